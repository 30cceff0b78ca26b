/**
 * Operations: the {@code redispools} actuator endpoint, the health indicator per role and the
 * Micrometer meters of every pool.
 */
package io.gdnode.pool.actuate;
