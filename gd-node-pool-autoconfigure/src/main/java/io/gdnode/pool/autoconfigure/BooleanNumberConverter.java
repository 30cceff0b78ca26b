package io.gdnode.pool.autoconfigure;

import org.springframework.core.convert.converter.Converter;

/**
 * Binds the YAML numbers {@code 1} and {@code 0} to {@code true} and {@code false}, as the
 * {@code REDIS_*_POOL_ENABLED} variables use them; strings such as {@code "1"} already convert.
 */
class BooleanNumberConverter implements Converter<Integer, Boolean> {

	@Override
	public Boolean convert(Integer source) {
		return switch (source) {
			case 1 -> true;
			case 0 -> false;
			default -> throw new IllegalArgumentException("Only 1 and 0 stand for true and false, not " + source);
		};
	}

}
