package dev.gatehouse.gateway.accesslog;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LineBatchTests {

	private final AccessLogWriterTests.Writes out = new AccessLogWriterTests.Writes();

	private final LineBatch batch = new LineBatch(this.out::stream);

	@Test
	void linesWaitForTheFlushAndThenGoOutInOneWrite() {
		this.batch.add("{\"a\":1}");
		this.batch.add("{\"b\":2}");
		assertThat(this.out.writes).isEmpty();
		assertThat(this.batch.flush()).isZero();
		assertThat(this.out.writes).hasSize(1);
		assertThat(this.out.text()).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
		assertThat(this.batch.flush()).isZero();
		assertThat(this.out.writes).hasSize(1);
	}

	@Test
	void noWriteIsLargerThanAPipeWritesAtOnceAndEveryWriteHoldsWholeLines() {
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < 200; i++) {
			String line = "{\"requestId\":\"" + i + "\",\"path\":\"/" + "x".repeat(i % 97) + "\"}";
			this.batch.add(line);
			expected.append(line).append('\n');
		}
		this.batch.flush();
		assertThat(this.out.writes).hasSizeGreaterThan(1).allSatisfy((write) -> {
			assertThat(write.length).isLessThanOrEqualTo(LineBatch.WRITE_SIZE);
			assertThat(write[write.length - 1]).isEqualTo((byte) '\n');
		});
		assertThat(this.out.text()).isEqualTo(expected.toString());
	}

	@Test
	void nonAsciiTextIsWrittenAsUtf8() {
		this.batch.add("{\"subject\":\"zoë 東京\"}");
		this.batch.add("{\"subject\":\"plain\"}");
		this.batch.flush();
		assertThat(this.out.writes).hasSize(1);
		assertThat(new String(this.out.writes.get(0), StandardCharsets.UTF_8))
			.isEqualTo("{\"subject\":\"zoë 東京\"}\n{\"subject\":\"plain\"}\n");
	}

	@Test
	void aLineLongerThanOneWriteGoesOutAloneAndWhole() {
		String longLine = "{\"path\":\"/" + "é".repeat(LineBatch.WRITE_SIZE) + "\"}";
		this.batch.add("{\"before\":1}");
		this.batch.add(longLine);
		this.batch.add("{\"after\":1}");
		this.batch.flush();
		assertThat(this.out.writes).hasSize(3);
		assertThat(new String(this.out.writes.get(1), StandardCharsets.UTF_8)).isEqualTo(longLine + "\n");
		assertThat(this.out.text()).isEqualTo("{\"before\":1}\n" + longLine + "\n{\"after\":1}\n");
	}

}
