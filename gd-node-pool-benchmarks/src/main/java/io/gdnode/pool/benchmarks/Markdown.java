package io.gdnode.pool.benchmarks;

import java.util.List;

/**
 * The text of the report as it is written: lines, paragraphs and tables.
 */
final class Markdown {

	private final StringBuilder text = new StringBuilder();

	Markdown line(String line) {
		this.text.append(line).append('\n');
		return this;
	}

	Markdown line() {
		this.text.append('\n');
		return this;
	}

	/**
	 * Add a heading or paragraph followed by an empty line.
	 */
	Markdown paragraph(String paragraph) {
		return line(paragraph).line();
	}

	Markdown table(List<String> header, List<List<String>> rows) {
		line("| " + String.join(" | ", header) + " |");
		line("|" + " --- |".repeat(header.size()));
		rows.forEach((row) -> line("| " + String.join(" | ", row) + " |"));
		return line();
	}

	static String capitalised(String text) {
		return Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

	@Override
	public String toString() {
		return this.text.toString();
	}

}
