/**
 * What applications call: a Spring Data Redis {@link io.gdnode.pool.client.RoleConnectionFactory}
 * per role, the {@link io.gdnode.pool.client.AsyncRedisPool}, and the translation of pool and Lettuce
 * exceptions into Spring's {@code DataAccessException}s.
 */
package io.gdnode.pool.client;
