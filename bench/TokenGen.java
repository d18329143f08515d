// Writes RS256 access tokens for bench/gateway.sh (run as a single-file program: java bench/TokenGen.java ...).
// Usage: java TokenGen.java <private-key.pem (PKCS#8)> <out-dir> <count> <issuer> <audience> <ttl-seconds>
// Writes <out-dir>/tokens.txt (count tokens, roles [user], tenant acme, plan gold, email <subject>@example.com, one
// subject each), <out-dir>/norole.txt (roles [guest])
// and <out-dir>/badsig.txt (a well-formed token signed by another key). Header: alg RS256, typ at+jwt, kid bench.
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

public class TokenGen {

	private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

	public static void main(String[] args) throws Exception {
		if (args.length != 6) {
			System.err.println("usage: TokenGen <private-key.pem> <out-dir> <count> <issuer> <audience> <ttl-seconds>");
			System.exit(2);
		}
		String pem = Files.readString(Path.of(args[0]));
		PrivateKey key;
		try {
			byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
			key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
		}
		catch (IllegalArgumentException | java.security.spec.InvalidKeySpecException ex) {
			throw new IllegalArgumentException(args[0] + ": expected a PKCS#8 'PRIVATE KEY' PEM (openssl genpkey)", ex);
		}
		Path out = Path.of(args[1]);
		int count = Integer.parseInt(args[2]);
		String issuer = args[3];
		String audience = args[4];
		long ttl = Long.parseLong(args[5]);
		long now = System.currentTimeMillis() / 1000;
		List<String> tokens = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			tokens.add(token(key, issuer, audience, "bench-user-" + i, "user", now, ttl));
		}
		Files.write(out.resolve("tokens.txt"), tokens);
		Files.writeString(out.resolve("norole.txt"), token(key, issuer, audience, "bench-guest", "guest", now, ttl) + "\n");
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		PrivateKey otherKey = generator.generateKeyPair().getPrivate();
		Files.writeString(out.resolve("badsig.txt"),
				token(otherKey, issuer, audience, "bench-forger", "user", now, ttl) + "\n");
	}

	private static String token(PrivateKey key, String issuer, String audience, String subject, String role, long now,
			long ttl) throws Exception {
		String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"bench\"}";
		String claims = "{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject + "\",\"aud\":\"" + audience
				+ "\",\"exp\":" + (now + ttl) + ",\"iat\":" + now + ",\"nbf\":" + now + ",\"jti\":\"" + UUID.randomUUID()
				+ "\",\"client_id\":\"bench\",\"scope\":\"items:read\",\"roles\":[\"" + role
				+ "\"],\"tenant\":\"acme\",\"plan\":\"gold\",\"email\":\"" + subject + "@example.com\"}";
		String signingInput = b64(header) + "." + b64(claims);
		Signature signature = Signature.getInstance("SHA256withRSA");
		signature.initSign(key);
		signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
		return signingInput + "." + B64.encodeToString(signature.sign());
	}

	private static String b64(String json) {
		return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
