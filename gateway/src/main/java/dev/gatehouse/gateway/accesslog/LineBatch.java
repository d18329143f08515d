package dev.gatehouse.gateway.accesslog;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Access log lines on their way to standard output, many per write: lines are encoded
 * (UTF-8, each ended by {@code \n}) into one buffer, which goes out whole when the next
 * line would not fit or when the writer has nothing more queued. A write holds whole
 * lines only and at most {@link #WRITE_SIZE} bytes, what a pipe writes without
 * interleaving another writer's bytes (a longer line is written alone). Used by the
 * writer thread only: not thread-safe.
 */
final class LineBatch {

	/** {@code PIPE_BUF} on Linux: the most a pipe writes atomically. */
	static final int WRITE_SIZE = 4096;

	private final Supplier<PrintStream> out;

	private final byte[] bytes = new byte[WRITE_SIZE];

	private int length;

	private int lines;

	/**
	 * @param out where the lines go, asked at every write ({@code System::out} follows a
	 * replaced {@code System.out})
	 */
	LineBatch(Supplier<PrintStream> out) {
		this.out = out;
	}

	/**
	 * Adds a line (without its line end); writes what was buffered first when it does not
	 * fit.
	 * @param line the line, read before this method returns
	 * @return lines lost to a failed write (0 normally)
	 */
	int add(CharSequence line) {
		int chars = line.length();
		int lost = 0;
		if (chars + 1 > WRITE_SIZE - this.length) {
			lost = flush();
		}
		if (chars + 1 <= WRITE_SIZE - this.length && appendAscii(line, chars)) {
			return lost;
		}
		// not ASCII (or longer than a write): encoded as a whole
		byte[] encoded = (line + "\n").getBytes(StandardCharsets.UTF_8);
		if (encoded.length > WRITE_SIZE - this.length) {
			lost += flush();
		}
		if (encoded.length > WRITE_SIZE) {
			return lost + (write(encoded, encoded.length) ? 0 : 1);
		}
		System.arraycopy(encoded, 0, this.bytes, this.length, encoded.length);
		this.length += encoded.length;
		this.lines++;
		return lost;
	}

	/**
	 * Writes the buffered lines, if any.
	 * @return lines lost to a failed write (0 normally)
	 */
	int flush() {
		if (this.length == 0) {
			return 0;
		}
		int lost = write(this.bytes, this.length) ? 0 : this.lines;
		this.length = 0;
		this.lines = 0;
		return lost;
	}

	/**
	 * Copies an all-ASCII line and its line end; {@code false} at the first other char.
	 */
	private boolean appendAscii(CharSequence line, int chars) {
		byte[] to = this.bytes;
		int at = this.length;
		for (int i = 0; i < chars; i++) {
			char c = line.charAt(i);
			if (c >= 0x80) {
				return false;
			}
			to[at + i] = (byte) c;
		}
		to[at + chars] = '\n';
		this.length = at + chars + 1;
		this.lines++;
		return true;
	}

	/**
	 * One write (a {@link PrintStream} with a small buffer writes a long array through at
	 * once); {@code false} when the stream reports an error (it never throws). The error
	 * stays reported once it happened ({@code System.out} cannot clear it), so after a
	 * first failed write every later line counts as lost, written or not.
	 */
	private boolean write(byte[] data, int count) {
		PrintStream stream = this.out.get();
		stream.write(data, 0, count);
		return !stream.checkError();
	}

}
