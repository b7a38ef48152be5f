import Access
import FHIRCore
import Foundation
import Store
import Summary

extension FHIRService {
    /// `GET|POST [base]/Patient/id/$summary` and `[base]/Patient/$summary?identifier=system|value`: the patient's
    /// International Patient Summary, built from the record under the actor's access filter (rule 7: only what the
    /// actor may see goes in; a patient they may not see is 404, like an absent one). A FHIR document Bundle, or
    /// with `_format=html` / `Accept: text/html` the same summary as a printable HTML page. Audited like a read
    /// of everything it shows.
    func summary(_ request: FHIRRequest, patientID: String?) async throws -> FHIRResponse {
        var identifier: String?
        for item in try summaryParameters(request) {
            switch item.name {
            case "identifier": identifier = item.value
            case "_format", "_pretty", "profile": continue
            default:
                // A document has no place for a warning: unknown parameters are ignored, or refused when strict.
                if Prefer(header: request.header("prefer")).handling == .strict {
                    throw FHIRError(.invalid, "Parameter '\(item.name)' is not a parameter of $summary (identifier, profile, _format)", issueType: "not-supported")
                }
            }
        }
        let filter = try await accessFilter(request.access)
        let patient: StoredResource
        if let patientID {
            guard identifier == nil else {
                throw FHIRError(.invalid, "$summary on Patient/\(patientID) takes no identifier; use [base]/Patient/$summary?identifier=system|value", issueType: "invalid")
            }
            guard let stored = try await store.read(type: "Patient", id: patientID), !stored.isDeleted,
                  try await mayRead(stored, access: request.access) else {
                throw FHIRError(.notFound, "Patient/\(patientID) is not known", issueType: "not-found")
            }
            patient = stored
        } else {
            guard let identifier, !identifier.isEmpty else {
                throw FHIRError(.invalid, "Patient/$summary needs the patient's identifier (identifier=system|value), or use Patient/id/$summary", issueType: "required")
            }
            patient = try await summaryPatient(identifier: identifier, filter: filter, access: request.access)
        }
        let builder = PatientSummaryBuilder(store: store)
        let summary = try await builder.build(patient: patient, filter: filter, now: request.access.now)
        request.access.trail.touch(summary.shown)
        if let filter, case .professional(let reach) = filter.scope, reach.inEmergency.contains(patient.id) {
            request.access.trail.reachedInEmergency([patient.id])
        }
        if Self.wantsHTML(request) {
            return FHIRResponse(status: 200, headers: [("Content-Type", SummaryPage.contentType)], body: Array(SummaryPage.html(summary).utf8))
        }
        let bundle = summary.documentBundle(id: Self.newID(), baseURL: configuration.baseURL)
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(bundle, request))
    }

    /// The one patient the actor may see with this identifier (`system|value`, or a value alone); 404 otherwise.
    private func summaryPatient(identifier: String, filter: AccessFilter?, access: RequestAccess) async throws -> StoredResource {
        let parts = identifier.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let token = parts.count == 2
            ? TokenValue(system: parts[0].isEmpty ? .none : .exactly(parts[0]), code: parts[1])
            : TokenValue(system: .any, code: parts[0])
        var condition = SearchCondition.match(param: "identifier", .token(token))
        if let restriction = filter?.condition(types: ["Patient"]) { condition = .all([condition, restriction]) }
        let found = try await store.search(SearchQuery(type: "Patient", condition: condition, limit: 2)).resources
        guard let patient = found.first, try await mayRead(patient, access: access) else {
            throw FHIRError(.notFound, "No patient known with identifier \(identifier)", issueType: "not-found")
        }
        guard found.count == 1 else {
            throw FHIRError(.unprocessable, "More than one patient has identifier \(identifier); use Patient/id/$summary", issueType: "multiple-matches")
        }
        return patient
    }

    /// The operation's parameters: the query, plus a form body or a `Parameters` resource when POSTed.
    private func summaryParameters(_ request: FHIRRequest) throws -> [FHIRRequest.QueryItem] {
        let contentType = request.header("content-type")?.lowercased() ?? ""
        guard request.method == .post, !request.body.isEmpty, contentType.contains("json") else { return try searchItems(request) }
        let parameters = try parseResource(request, expectedType: "Parameters")
        var items = request.query
        for parameter in parameters["parameter"]?.arrayValue ?? [] {
            guard let name = parameter["name"]?.stringValue else { continue }
            if let identifier = parameter["valueIdentifier"] {
                let system = identifier["system"]?.stringValue ?? ""
                items.append(.init(name, system + "|" + (identifier["value"]?.stringValue ?? "")))
            } else if let value = parameter["valueString"]?.stringValue ?? parameter["valueCanonical"]?.stringValue ?? parameter["valueUri"]?.stringValue {
                items.append(.init(name, value))
            } else {
                items.append(.init(name, ""))
            }
        }
        return items
    }

    /// Whether the caller asked for the printable page: `_format=html` (or `text/html`), or an `Accept` naming
    /// `text/html` and no JSON type (a browser).
    static func wantsHTML(_ request: FHIRRequest) -> Bool {
        if let format = request.queryValue("_format")?.lowercased() {
            return FHIRMediaType.isHTMLFormat(format)
        }
        guard let accept = request.header("accept")?.lowercased() else { return false }
        return accept.contains("text/html") && !accept.contains("json")
    }
}
