package io.gdnode.pool.connect;

import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import io.gdnode.pool.Endpoint;
import io.gdnode.pool.PoolLimit;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.netty.handler.ssl.NotSslRecordException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnectFailure}: the words an operator reads when a pool cannot connect, for
 * failures shaped as Lettuce and Netty report them; no server runs.
 */
class ConnectFailureTests {

	private static final Endpoint PLAIN = new Endpoint("127.0.0.1:6390/0", "redis://app@127.0.0.1:6390/0");

	private static final Endpoint TLS = new Endpoint("127.0.0.1:6390/0", "rediss://app@127.0.0.1:6390/0");

	@Test
	void redisRefusingTheHandshakeIsQuotedInItsOwnWords() {
		RedisCommandExecutionException refused = new RedisCommandExecutionException(
				"WRONGPASS invalid username-password pair or user is disabled.");
		RuntimeException failure = ConnectFailure.describe("master", PLAIN, refused);
		assertThat(failure).isInstanceOf(RedisConnectionException.class)
			.hasMessage("Redis pool 'master' could not connect to " + PLAIN
					+ ": WRONGPASS invalid username-password pair or user is disabled.")
			.hasCause(refused);
		assertThat(((PoolConnectException) failure).getLimits()).containsExactly(PoolLimit.ENDPOINT);
	}

	@Test
	void unreachableServerNamesTheInnermostCause() {
		RuntimeException failure = ConnectFailure.describe("slave", PLAIN, unableToConnect(
				new ConnectException("Connection refused")));
		assertThat(failure).hasMessage("Redis pool 'slave' could not connect to " + PLAIN
				+ ": Unable to connect to 127.0.0.1/<unresolved>:6390 (ConnectException: Connection refused)");
		assertThat(((PoolConnectException) failure).getLimits()).containsExactly(PoolLimit.ENDPOINT);
		assertThat(ConnectFailure.refused(failure)).isTrue();
	}

	@Test
	void plainPortAnsweringATlsClientSaysToUseRedisUrl() {
		RuntimeException failure = ConnectFailure.describe("master", TLS,
				unableToConnect(new NotSslRecordException("not an SSL/TLS record: 2d4552520a")));
		assertThat(failure.getMessage()).endsWith(
				": the server did not answer in TLS. Connect to its TLS port, or use redis:// for a plain port");
	}

	@Test
	void certificateForAnotherHostSaysWhichNameToUse() {
		SSLHandshakeException handshake = new SSLHandshakeException("No subject alternative names matching IP address 127.0.0.1 found");
		handshake.initCause(new CertificateException("No subject alternative names matching IP address 127.0.0.1 found"));
		RuntimeException failure = ConnectFailure.describe("master", TLS, unableToConnect(handshake));
		assertThat(failure.getMessage()).contains("the server's TLS certificate is not valid for this host name or address")
			.endsWith("Connect by a name the certificate lists, or issue a certificate for this one");
	}

	@Test
	void untrustedCertificateSaysWhatToTrustAndCarriesTheTrustLimit() {
		SSLHandshakeException handshake = new SSLHandshakeException(
				"PKIX path building failed: unable to find valid certification path to requested target");
		RuntimeException failure = ConnectFailure.describe("master", TLS, unableToConnect(handshake));
		// The setting's name is added by the client layer, which knows the properties.
		assertThat(failure.getMessage()).endsWith(": the server's TLS certificate is not trusted. Use an SSL bundle "
				+ "whose truststore holds the CA that signed it");
		assertThat(((PoolConnectException) failure).getLimits()).containsExactly(PoolLimit.TLS_TRUST);
	}

	@Test
	void otherTlsFailureOfATlsUrlIsAFailedHandshake() {
		RuntimeException failure = ConnectFailure.describe("master", TLS,
				unableToConnect(new SSLException("Received fatal alert: protocol_version")));
		assertThat(failure.getMessage()).endsWith(": the TLS handshake failed: Received fatal alert: protocol_version");
	}

	@Test
	void tlsFailureOfAPlainUrlIsNotCalledAHandshakeFailure() {
		RuntimeException failure = ConnectFailure.describe("master", PLAIN,
				unableToConnect(new SSLException("Received fatal alert: protocol_version")));
		assertThat(failure.getMessage()).doesNotContain("TLS handshake")
			.endsWith("(SSLException: Received fatal alert: protocol_version)");
	}

	@Test
	void unansweredTlsHandshakeSuggestsAPlainUrl() {
		RuntimeException failure = ConnectFailure.describe("master", TLS,
				new TimeoutException("Connection initialization timed out after 2 second(s)"));
		assertThat(failure.getMessage()).endsWith(": Connection initialization timed out after 2 second(s), the TLS "
				+ "handshake unanswered. If that port does not speak TLS, use a redis:// URL");
	}

	@Test
	void unansweredPlainHandshakeIsReportedAsItIs() {
		RuntimeException failure = ConnectFailure.describe("master", PLAIN,
				new TimeoutException("Connection initialization timed out after 2 second(s)"));
		assertThat(failure.getMessage())
			.isEqualTo("Redis pool 'master' could not connect to " + PLAIN + ": Connection initialization timed out after 2 second(s)");
		assertThat(((PoolConnectException) failure).getLimits()).containsExactly(PoolLimit.CONNECT_TIMEOUT);
		assertThat(ConnectFailure.refused(failure)).isFalse();
	}

	@Test
	void plainClientCutOffDuringTheHandshakeSuggestsATlsUrl() {
		RuntimeException failure = ConnectFailure.describe("master", PLAIN,
				unableToConnect(new java.io.IOException("Connection reset by peer")));
		assertThat(failure.getMessage()).contains("the server closed the connection during the handshake (")
			.endsWith("). If that port speaks TLS, use a rediss:// URL");
	}

	@Test
	void lostHandshakeAnswerIsRecognisedAtAnyDepth() {
		IllegalStateException lost = new IllegalStateException("RedisHandshakeHandler not registered");
		assertThat(ConnectFailure.lostHandshakeAnswer(lost)).isTrue();
		assertThat(ConnectFailure.lostHandshakeAnswer(unableToConnect(lost))).isTrue();
		assertThat(ConnectFailure.lostHandshakeAnswer(unableToConnect(new IllegalStateException("other")))).isFalse();
		assertThat(ConnectFailure.lostHandshakeAnswer(new RedisConnectionException("RedisHandshakeHandler not registered")))
			.isFalse();
	}

	@Test
	void unwrapTakesOffACompletionExceptionOnly() {
		RedisConnectionException failure = new RedisConnectionException("refused");
		assertThat(ConnectFailure.unwrap(new CompletionException(failure))).isSameAs(failure);
		assertThat(ConnectFailure.unwrap(failure)).isSameAs(failure);
		CompletionException bare = new CompletionException("no cause", null);
		assertThat(ConnectFailure.unwrap(bare)).isSameAs(bare);
	}

	@Test
	void rootCauseIsTheInnermostCause() {
		ConnectException refused = new ConnectException("Connection refused");
		assertThat(ConnectFailure.rootCause(new CompletionException(unableToConnect(refused)))).isSameAs(refused);
		assertThat(ConnectFailure.rootCause(refused)).isSameAs(refused);
	}

	/** What Lettuce throws when a connection cannot be opened, around what Netty reported. */
	private static RedisConnectionException unableToConnect(Throwable cause) {
		return new RedisConnectionException("Unable to connect to 127.0.0.1/<unresolved>:6390", cause);
	}

}
