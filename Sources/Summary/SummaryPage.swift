import FHIRCore
import Foundation

/// The summary as a printable, self-contained HTML5 page: inline CSS (with `@media print`), no script, no external
/// asset; medications and allergies first, like the document. Every value from the record is escaped.
public enum SummaryPage {
    /// The `Content-Type` of the page.
    public static let contentType = "text/html; charset=utf-8"

    /// The page of a summary.
    public static func html(_ summary: PatientSummary) -> String {
        let name = SummaryText.escape(summary.patientName)
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Patient summary — \(name)</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        <header>
        <h1>Patient summary</h1>
        <p class="patient"><strong>\(name)</strong>
        """
        if let birthDate = summary.patientResource["birthDate"]?.stringValue { html += " · born \(SummaryText.escape(birthDate))" }
        if let gender = summary.patientResource["gender"]?.stringValue { html += " · \(SummaryText.escape(gender))" }
        html += "</p>\n"
        for identifier in summary.patientIdentifiers { html += "<p class=\"identifier\">\(SummaryText.escape(identifier))</p>\n" }
        html += "<p class=\"generated\">Generated \(SummaryText.escape(FHIRInstant.format(summary.generated))) from the shared record.</p>\n"
        if summary.mayBeWithheld { html += "<p class=\"withheld\" role=\"note\">\(SummaryText.escape(PatientSummary.withheldNotice))</p>\n" }
        html += "</header>\n<main>\n"
        for content in summary.sections {
            let empty = content.entries.isEmpty || content.statesNoneKnown ? " empty" : ""
            html += "<section class=\"\(content.section.kind.rawValue)\(empty)\">\n<h2>\(SummaryText.escape(content.section.title))</h2>\n"
            html += SummaryNarrative.table(content, tableAttributes: "", headerAttributes: " scope=\"col\"")
            html += "\n</section>\n"
        }
        html += "</main>\n<footer><p>International Patient Summary (IPS). Check with the patient and the record before acting on it.</p></footer>\n</body>\n</html>\n"
        return html
    }

    static let css = """
    :root { color-scheme: light; }
    body { font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 2em auto; max-width: 60em; padding: 0 1em; }
    h1 { font-size: 1.6em; margin: 0 0 .2em; }
    h2 { font-size: 1.15em; border-bottom: 2px solid #234; margin: 1.4em 0 .4em; padding-bottom: .1em; }
    .patient { font-size: 1.15em; margin: .2em 0; }
    .identifier, .generated { color: #444; margin: .1em 0; }
    .withheld { border-left: 4px solid #b60; background: #fff6e8; padding: .4em .8em; }
    section.medications h2, section.allergies h2 { border-color: #a00; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; vertical-align: top; padding: .25em .5em; border-bottom: 1px solid #ccc; }
    th { background: #eef1f4; }
    footer { margin-top: 2em; color: #555; font-size: .85em; }
    @media print {
      body { margin: 0; max-width: none; font-size: 10.5pt; }
      h2 { break-after: avoid; }
      tr, .withheld { break-inside: avoid; }
      th { background: none; }
    }
    """
}
