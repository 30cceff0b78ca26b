/**
 * Auto-configuration: binds {@code redis.*} (and Spring Boot's {@code spring.data.redis.*}) settings,
 * validates them, maps them to pool definitions and registers the role beans, the endpoint, health
 * and meters. Everything conditional lives here.
 */
package io.gdnode.pool.autoconfigure;
