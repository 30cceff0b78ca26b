package io.gdnode.pool.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small web application that uses the gd-node-pool starter the way a user would: notes written
 * through the master, read through the slave and the async pool, and a visit counter on the local
 * Redis. Run without any {@code REDIS_*} variable, it uses the Redis on 127.0.0.1:6379 or starts
 * its own (see {@link LocalRedisStarter}).
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		// Added here rather than in spring.factories, so that the starter's users and the sample's
		// tests never get a Redis started behind their back.
		application.addListeners(new LocalRedisStarter());
		application.run(args);
	}

}
