/**
 * How connections are opened and kept honest: one {@link io.gdnode.pool.connect.ConnectionOpener}
 * per pool holding one topology strategy (one Redis, master and replicas, Cluster), the gate and
 * bound every new connection goes through, the wording of connect failures, Lettuce client options
 * and resources, and the Lettuce/Netty plumbing (session tracking, blocking-command timeouts, the
 * unanswered-request watchdog).
 */
package io.gdnode.pool.connect;
