package io.gdnode.pool.localredis;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link Resp}, on bytes in memory.
 */
class RespTests {

	@Test
	void encodesACommandAsAnArrayOfBulkStringsWithLengthsInBytes() {
		assertThat(text(Resp.encode("SET", "k", "héllo"))).isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nhéllo\r\n");
	}

	@Test
	void encodesAnEmptyArgument() {
		assertThat(text(Resp.encode("CONFIG", "SET", "save", ""))).endsWith("$4\r\nsave\r\n$0\r\n\r\n");
	}

	@Test
	void readsSimpleStringsAndIntegersVerbatim() throws IOException {
		assertThat(Resp.read(in("+OK\r\n"))).isEqualTo("OK");
		assertThat(Resp.read(in(":-42\r\n"))).isEqualTo("-42");
	}

	@Test
	void readsAnErrorAsTextWithAPrefix() throws IOException {
		assertThat(Resp.read(in("-WRONGTYPE Operation against a key\r\n")))
			.isEqualTo("ERR: WRONGTYPE Operation against a key");
	}

	@Test
	void readsBulkStringsByByteLengthEvenWhenTheyHoldLineBreaks() throws IOException {
		assertThat(Resp.read(in("$6\r\nhéllo\r\n"))).isEqualTo("héllo");
		assertThat(Resp.read(in("$4\r\na\r\nb\r\n"))).isEqualTo("a\r\nb");
		assertThat(Resp.read(in("$0\r\n\r\n"))).isEmpty();
	}

	@Test
	void readsNullBulkStringsAndNullArraysAsNull() throws IOException {
		assertThat(Resp.read(in("$-1\r\n"))).isNull();
		assertThat(Resp.read(in("*-1\r\n"))).isNull();
	}

	@Test
	void readsArraysAsTheirElementsOnePerLineNestedOnesIncluded() throws IOException {
		assertThat(Resp.read(in("*2\r\n$1\r\na\r\n:2\r\n"))).isEqualTo("a\n2");
		assertThat(Resp.read(in("*2\r\n*2\r\n+x\r\n+y\r\n+z\r\n"))).isEqualTo("x\ny\nz");
		assertThat(Resp.read(in("*0\r\n"))).isEmpty();
	}

	@Test
	void readsOneReplyAtATimeFromAPipelinedStream() throws IOException {
		InputStream in = in("+OK\r\n:1\r\n$1\r\nv\r\n");
		assertThat(Resp.read(in)).isEqualTo("OK");
		assertThat(Resp.read(in)).isEqualTo("1");
		assertThat(Resp.read(in)).isEqualTo("v");
	}

	@Test
	void refusesAnUnknownReplyType() {
		assertThatIOException().isThrownBy(() -> Resp.read(in("%1\r\n"))).withMessageContaining("%1");
	}

	@Test
	void failsWhenTheConnectionClosesInsideAReply() {
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> Resp.read(in("+OK")));
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> Resp.read(in("$5\r\nab")));
	}

	private static InputStream in(String reply) {
		return new ByteArrayInputStream(reply.getBytes(StandardCharsets.UTF_8));
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
