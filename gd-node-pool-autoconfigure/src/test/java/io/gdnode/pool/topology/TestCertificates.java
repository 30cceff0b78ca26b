package io.gdnode.pool.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made for one test class with {@code openssl}: a CA, a server certificate it signed
 * for {@code 127.0.0.1}, one it signed for another host only, and an unrelated CA.
 */
public final class TestCertificates {

	private final Path directory;

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	public static TestCertificates create(Path directory) {
		TestCertificates certificates = new TestCertificates(directory);
		certificates.selfSigned("ca");
		certificates.selfSigned("other-ca");
		certificates.signed("server", "IP:127.0.0.1");
		certificates.signed("wrong-host", "DNS:elsewhere.example");
		return certificates;
	}

	public Path certificate(String name) {
		return this.directory.resolve(name + ".crt");
	}

	public Path key(String name) {
		return this.directory.resolve(name + ".key");
	}

	private void selfSigned(String name) {
		openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
				key(name).toString(), "-out", certificate(name).toString(), "-days", "2", "-subj", "/CN=" + name);
	}

	private void signed(String name, String subjectAltName) {
		try {
			Path extensions = Files.writeString(this.directory.resolve(name + ".ext"),
					"subjectAltName=" + subjectAltName + "\n", StandardCharsets.UTF_8);
			Path request = this.directory.resolve(name + ".csr");
			openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
					key(name).toString(), "-out", request.toString(), "-subj", "/CN=" + name);
			openssl("x509", "-req", "-in", request.toString(), "-CA", certificate("ca").toString(), "-CAkey",
					key("ca").toString(), "-CAcreateserial", "-out", certificate(name).toString(), "-days", "2",
					"-extfile", extensions.toString());
			// redis-server runs as this user and must read the key.
			key(name).toFile().setReadable(true, true);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void openssl(String... arguments) {
		List<String> command = new ArrayList<>(List.of("openssl"));
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("openssl failed (" + String.join(" ", command)
						+ "); install openssl to run the TLS tests:\n" + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("openssl was not found on PATH: install it to run the TLS tests", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
