package io.gdnode.pool.autoconfigure;

import java.util.Set;

import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;

/**
 * Binds the YAML numbers {@code 1} and {@code 0} to {@code true} and {@code false} for the
 * {@code redis.*} booleans marked {@link NumericBoolean}, as the {@code REDIS_*_POOL_ENABLED}
 * variables use them. Strings such as {@code "1"} (every environment variable) already convert
 * without it; any other number, and every boolean of the application's own properties, are left
 * to Spring Boot, which refuses numbers for booleans.
 */
class BooleanNumberConverter implements ConditionalGenericConverter {

	@Override
	public Set<ConvertiblePair> getConvertibleTypes() {
		return Set.of(new ConvertiblePair(Integer.class, Boolean.class));
	}

	@Override
	public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
		return targetType.hasAnnotation(NumericBoolean.class);
	}

	@Override
	public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
		if (source == null) {
			return null;
		}
		return switch ((Integer) source) {
			case 1 -> true;
			case 0 -> false;
			default -> throw new IllegalArgumentException("Only 1 and 0 stand for true and false, not " + source);
		};
	}

}
