/**
 * Static HTML reports with PNG charts, written into one folder: {@code index.html} plus one PNG per
 * chart. The quickstart writes its report with it, and other commands (an {@code experiment}'s study
 * pages) can use the same three pieces:
 *
 * <pre>{@code
 * ReportPage page = ReportPage.titled("My study").protocol("full ranking (all items of the target domain)");
 * page.section("Results")
 *     .paragraph("Test users, seed 42.")
 *     .table(Table.withColumns("group", "HR@10", "NDCG@10").caption("Test metrics").row("all", 0.31, 0.17))
 *     .chart("ndcg", ReportCharts.bars("NDCG@10 by group", "NDCG@10", categories, seriesByName), 900, 420);
 * page.provenance(Map.of("seed", 42, "dataset", "food-kitchen"));
 * page.write(Path.of("my-report"));            // my-report/index.html, my-report/ndcg.png
 * }</pre>
 *
 * <p>{@link dev.llmedt.examples.report.Table}: a captioned table; every table of a page names its
 * evaluation protocol in its caption (the page's, unless the table sets its own).
 * {@link dev.llmedt.examples.report.ReportCharts}: JFreeChart line, bar, histogram and scatter
 * charts in one house style. {@link dev.llmedt.examples.report.ReportPage}: sections of paragraphs,
 * tables, charts and a provenance table, rendered headless (no display needed).
 */
package dev.llmedt.examples.report;
