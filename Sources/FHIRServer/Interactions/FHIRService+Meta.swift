import Access
import FHIRCore
import Foundation
import Store

extension FHIRService {
    /// `POST [base]/Type/id/$meta-add` and `$meta-delete` with a Parameters `meta` (valueMeta): adds or removes
    /// security labels, tags and profiles, as a new version. Changing the DMP visibility labels is decided by the
    /// rules (`MASQUE_PS` by the patient or representative, `INVISIBLE_PATIENT` by the author,
    /// `INVISIBLE_REPRESENTANTS_LEGAUX` by the patient). Answers a Parameters whose `return` is the resulting meta.
    func meta(_ request: FHIRRequest, type: String, id: String, adding: Bool) async throws -> FHIRResponse {
        try requireScope(.update, type, request.access)
        let parameters = try parseResource(request, expectedType: "Parameters")
        guard let change = (parameters["parameter"]?.arrayValue ?? []).first(where: { $0["name"]?.stringValue == "meta" })?["valueMeta"],
              case .object = change else {
            throw FHIRError(.invalid, "$meta-\(adding ? "add" : "delete") needs a 'meta' parameter (valueMeta)", issueType: "required", expression: ["Parameters.parameter.where(name='meta')"])
        }
        let access = request.access
        try await requireVisibleIfDeleted(type: type, id: id, access: access)
        let outcome: WriteOutcome = try await store.write { tx in
            guard let current = try tx.read(type: type, id: id) else { throw FHIRError(.notFound, "\(type)/\(id) is not known") }
            guard !current.isDeleted else {
                try self.authorizeWrite(tx, access, type: type, id: id, resource: nil, current: current)
                throw FHIRError(.gone, "\(type)/\(id) was deleted")
            }
            guard case .object(var resource) = try JSON.parse(current.content) else { throw FHIRError(.internal, "stored resource is not an object") }
            var meta = resource["meta"]?.objectValue ?? JSONObject()
            var changed = false
            for element in ["security", "tag"] {
                var codings = meta[element]?.arrayValue ?? []
                for coding in change[element]?.arrayValue ?? [] {
                    let same = { (c: JSON) in c["system"]?.stringValue == coding["system"]?.stringValue && c["code"]?.stringValue == coding["code"]?.stringValue }
                    if adding, !codings.contains(where: same) { codings.append(coding); changed = true }
                    if !adding, codings.contains(where: same) { codings.removeAll(where: same); changed = true }
                }
                meta[element] = codings.isEmpty ? nil : .array(codings)
            }
            var profiles = meta["profile"]?.arrayValue ?? []
            for profile in change["profile"]?.arrayValue ?? [] {
                if adding, !profiles.contains(profile) { profiles.append(profile); changed = true }
                if !adding, profiles.contains(profile) { profiles.removeAll { $0 == profile }; changed = true }
            }
            meta["profile"] = profiles.isEmpty ? nil : .array(profiles)
            guard changed else {
                guard try self.mayRead(current, in: tx, access: access) else { throw FHIRError(.notFound, "\(type)/\(id) is not known") }
                return .existing(current)
            }
            resource["meta"] = .object(meta)
            try self.authorizeWrite(tx, access, type: type, id: id, resource: resource, current: current)
            return .updated(try self.writer.put(tx, type: type, id: id, resource: resource, method: .update, current: current))
        }
        if let written = outcome.written { didWrite([written]) }
        if let shown = outcome.written ?? outcome.stored { request.access.trail.touch(shown) }
        guard let stored = outcome.stored, let json = try? JSON.parse(stored.content) else { throw FHIRError(.internal, "no stored version") }
        let result: JSON = ["resourceType": "Parameters", "parameter": [["name": "return", "valueMeta": json["meta"] ?? .object([:])]]]
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)] + versionHeaders(stored), body: render(result, request))
    }

    /// `GET [base]/$access-matrix`: the authorisation matrix in force (rule 5).
    func accessMatrix(_ request: FHIRRequest) -> FHIRResponse {
        FHIRResponse(status: 200, headers: [("Content-Type", "application/json")], body: render(configuration.matrix.json, request))
    }
}
