package io.gdnode.pool.localredis;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal RESP2 codec: just enough to talk to redis-server without a client library, so this
 * module stays dependency-free.
 */
final class Resp {

	private Resp() {
	}

	/** Encodes one command as a RESP array of bulk strings (lengths are in bytes, not chars). */
	static byte[] encode(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.writeBytes(bytes);
			out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		return out.toByteArray();
	}

	/**
	 * Reads one reply as text: simple strings and integers verbatim, errors prefixed with
	 * {@code "ERR: "}, bulk strings as their content ({@code null} for a null bulk), arrays as
	 * their elements joined by newlines.
	 */
	static String read(InputStream in) throws IOException {
		String line = readLine(in);
		if (line.isEmpty()) {
			throw new IOException("Empty RESP reply line");
		}
		String rest = line.substring(1);
		switch (line.charAt(0)) {
			case '+':
			case ':':
				return rest;
			case '-':
				return "ERR: " + rest;
			case '$': {
				int length = Integer.parseInt(rest);
				if (length < 0) {
					return null;
				}
				byte[] data = in.readNBytes(length + 2);
				if (data.length != length + 2) {
					throw new EOFException("Connection closed inside a bulk string");
				}
				return new String(data, 0, length, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(rest);
				if (count < 0) {
					return null;
				}
				List<String> items = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					items.add(String.valueOf(read(in)));
				}
				return String.join("\n", items);
			}
			default:
				throw new IOException("Unexpected RESP reply: " + line);
		}
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		int current;
		while ((current = in.read()) != -1) {
			if (previous == '\r' && current == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(current);
			previous = current;
		}
		throw new EOFException("Connection closed before the end of a RESP line");
	}

}
