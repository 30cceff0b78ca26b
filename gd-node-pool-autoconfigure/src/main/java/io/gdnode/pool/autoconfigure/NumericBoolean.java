package io.gdnode.pool.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code redis.*} boolean that also binds from the YAML numbers {@code 1} and
 * {@code 0}: the {@link BooleanNumberConverter} converts only what this marks, so the
 * application's other configuration properties bind as they would without the starter.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@interface NumericBoolean {

}
