import FHIRCore

/// Content negotiation: Dossier speaks FHIR JSON only.
enum FHIRMediaType {
    static let fhirJSON = "application/fhir+json;charset=utf-8"

    /// Checks `_format` and `Accept`: JSON (or anything) is fine; a request for XML only is 406.
    static func checkAcceptable(_ request: FHIRRequest) throws(FHIRError) {
        // A document's content is served in its own media type (ITI-68); FHIRService+Documents negotiates it.
        if request.path.first == "Binary" { return }
        if let format = request.queryValue("_format")?.lowercased() {
            let ok = ["json", "application/json", "application/fhir+json", "application/json+fhir", "text/json"]
            let base = format.split(separator: ";").first.map { String($0.trimmingHTTPWhitespace) } ?? format
            // `$summary` also renders itself as a printable HTML page.
            if request.path.last == "$summary", isHTMLFormat(base) { return }
            guard ok.contains(base) else {
                throw FHIRError(.notAcceptable, "_format '\(format)' is not supported: this server produces FHIR JSON only (application/fhir+json)")
            }
            return
        }
        guard let accept = request.header("accept")?.lowercased(), !accept.isEmpty else { return }
        let types = accept.split(separator: ",").map { $0.split(separator: ";").first.map { String($0.trimmingHTTPWhitespace) } ?? "" }
        let acceptable = types.contains { t in
            t == "*/*" || t == "application/*" || t.contains("json") || t == "text/*" || t == "text/plain" || t == "text/html"
        }
        if !acceptable {
            throw FHIRError(.notAcceptable, "Accept '\(accept)' is not supported: this server produces FHIR JSON only (application/fhir+json)")
        }
    }

    /// Whether a `_format` value asks for HTML (`html`, `text/html`).
    static func isHTMLFormat(_ format: String) -> Bool {
        let base = format.split(separator: ";").first.map { String($0.trimmingHTTPWhitespace) } ?? format
        return base == "html" || base == "text/html"
    }

    /// Checks the body's `Content-Type` for a resource or Bundle body.
    static func checkResourceBody(_ request: FHIRRequest) throws(FHIRError) {
        guard let ct = request.header("content-type")?.lowercased(), !ct.isEmpty else { return }
        let base = ct.split(separator: ";").first.map { String($0.trimmingHTTPWhitespace) } ?? ct
        let ok = ["application/fhir+json", "application/json", "application/json+fhir", "text/json"]
        guard ok.contains(base) else {
            throw FHIRError(.unsupportedMediaType, "Content-Type '\(ct)' is not supported: send FHIR JSON (application/fhir+json)")
        }
    }
}
