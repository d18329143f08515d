package dev.gatehouse.gateway.security;

import org.junit.jupiter.api.Test;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebSocketProtocolTokenTests {

	private static ServerHttpRequest upgrade(String protocols) {
		return MockServerHttpRequest.get("/ws")
			.header("Upgrade", "websocket")
			.header("Connection", "Upgrade")
			.header("Sec-WebSocket-Protocol", protocols)
			.build();
	}

	@Test
	void takesTheTokenFromTheAccessTokenSubprotocolOfAnUpgrade() {
		ServerHttpRequest request = upgrade("chat, access_token.aaa.bbb.ccc");
		assertThat(WebSocketProtocolToken.isOffered(request)).isTrue();
		assertThat(WebSocketProtocolToken.extract(request, null)).isEqualTo("aaa.bbb.ccc");
	}

	@Test
	void stripsOnlyTheTokenSubprotocol() {
		assertThat(WebSocketProtocolToken.strip(upgrade("access_token.aaa.bbb.ccc, chat, v2.chat"))
			.getHeaders()
			.get("Sec-WebSocket-Protocol")).containsExactly("chat, v2.chat");
		assertThat(WebSocketProtocolToken.strip(upgrade("access_token.aaa.bbb.ccc"))
			.getHeaders()
			.containsHeader("Sec-WebSocket-Protocol")).isFalse();
	}

	@Test
	void ignoresRequestsWithoutTokenSubprotocolAndNonUpgrades() {
		assertThat(WebSocketProtocolToken.isOffered(upgrade("chat"))).isFalse();
		assertThat(WebSocketProtocolToken.isOffered(MockServerHttpRequest.get("/x").build())).isFalse();
		ServerHttpRequest notAnUpgrade = MockServerHttpRequest.get("/x")
			.header("Sec-WebSocket-Protocol", "access_token.aaa")
			.build();
		assertThat(WebSocketProtocolToken.extract(notAnUpgrade, null)).isNull();
	}

	@Test
	void refusesTwoTokensOrATokenBothWaysOrAMalformedOne() {
		assertThatThrownBy(() -> WebSocketProtocolToken.extract(upgrade("access_token.a, access_token.b"), null))
			.isInstanceOf(InvalidBearerRequestException.class);
		assertThatThrownBy(() -> WebSocketProtocolToken.extract(upgrade("chat, access_token.a"), "from-header"))
			.isInstanceOf(InvalidBearerRequestException.class);
		assertThatThrownBy(() -> WebSocketProtocolToken.extract(upgrade("access_token.a=b"), null))
			.isInstanceOf(TokenRejectedException.class);
	}

}
