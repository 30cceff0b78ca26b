package io.gdnode.pool.connect;

import java.nio.ByteBuffer;

import io.lettuce.core.codec.RedisCodec;

/**
 * The codec Spring Data Redis expects on reactive connections: {@link ByteBuffer} keys and
 * values, each decoded into a buffer of its own because Lettuce reuses its read buffers.
 */
public enum ByteBufferCodec implements RedisCodec<ByteBuffer, ByteBuffer> {

	INSTANCE;

	@Override
	public ByteBuffer decodeKey(ByteBuffer bytes) {
		ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
		copy.put(bytes).flip();
		return copy;
	}

	@Override
	public ByteBuffer decodeValue(ByteBuffer bytes) {
		return decodeKey(bytes);
	}

	@Override
	public ByteBuffer encodeKey(ByteBuffer key) {
		return key.duplicate();
	}

	@Override
	public ByteBuffer encodeValue(ByteBuffer value) {
		return value.duplicate();
	}

}
