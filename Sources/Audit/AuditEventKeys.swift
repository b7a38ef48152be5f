import FHIRCore
import Foundation

/// What an audit log indexes about an event, read back from its rendered `AuditEvent` JSON.
///
/// Backends store these next to the JSON so that searches and visibility scopes run as indexed SQL. Deriving them
/// from the JSON (rather than from the ``AuditRecord``) gives one source of truth: the same function fills the
/// columns at append time and checks them at verification time, so a column edited without its (hashed) JSON is
/// found.
package struct AuditEventKeys: Sendable, Hashable {
    /// `AuditEvent.id`.
    package var id: String
    /// `recorded`, in microseconds since 1970.
    package var recordedMicroseconds: Int64
    /// The requesting agent's `who` reference.
    package var agent: String
    /// The PractitionerRole the agent acted through.
    package var role: String?
    /// The agent's organisation.
    package var organization: String?
    /// Whether the event is part of an emergency access (`purposeOfEvent` BTG).
    package var isEmergency: Bool
    /// The type, encoded by ``AuditEventKeys/encodeCodes(_:)``.
    package var type: String
    /// The subtypes, encoded by ``AuditEventKeys/encodeCodes(_:)``.
    package var subtypes: String
    /// `C`, `R`, `U`, `D` or `E`.
    package var action: String
    /// `0`, `4`, `8` or `12`.
    package var outcome: Int
    /// The patients (ids) whose record was touched: sorted, without duplicates.
    package var patientIDs: [String]
    /// Every `entity.what` reference, without version: sorted, without duplicates.
    package var entityReferences: [String]

    /// The separator of encoded code lists: never inside a URI or a code.
    package static let separator = "\u{1F}"

    /// Codes as one text, `␟system|code␟system|code␟`, so that a `system|code` (or `|code` for any system) filter is
    /// a substring test.
    package static func encodeCodes(_ tokens: [String]) -> String {
        separator + tokens.map { $0 + separator }.joined()
    }

    /// Reads the keys of a rendered `AuditEvent`; nil when it is not one this layer rendered (no id, no valid
    /// `recorded`, no requesting agent, ...).
    package init?(event: JSON) {
        guard event["resourceType"]?.stringValue == "AuditEvent",
              let id = event["id"]?.stringValue,
              let recordedText = event["recorded"]?.stringValue, let recorded = FHIRInstant(recordedText),
              let type = event["type"].flatMap(Self.token),
              let action = event["action"]?.stringValue,
              let outcomeText = event["outcome"]?.stringValue, let outcome = Int(outcomeText),
              let agents = event["agent"]?.arrayValue,
              let user = agents.first(where: { $0["requestor"]?.boolValue == true }),
              let who = user["who"]?["reference"]?.stringValue
        else { return nil }
        self.id = id
        recordedMicroseconds = Self.microseconds(recorded.date)
        agent = who
        role = user["extension"]?.arrayValue?
            .first { $0["url"]?.stringValue == AuditSystems.practitionerRoleExtension }?["valueReference"]?["reference"]?
            .stringValue
        organization = agents.first { agent in
            agent["type"]?["coding"]?.arrayValue?.contains {
                $0["system"]?.stringValue == AuditSystems.roleClass && $0["code"]?.stringValue == "PROV"
            } == true
        }?["who"]?["reference"]?.stringValue
        isEmergency = event["purposeOfEvent"]?.arrayValue?.contains { concept in
            concept["coding"]?.arrayValue?.contains {
                $0["system"]?.stringValue == AuditSystems.actReason && $0["code"]?.stringValue == "BTG"
            } == true
        } == true
        self.type = Self.encodeCodes([type])
        subtypes = Self.encodeCodes((event["subtype"]?.arrayValue ?? []).compactMap(Self.token))
        self.action = action
        self.outcome = outcome
        var patients = Set<String>(), references = Set<String>()
        for entity in event["entity"]?.arrayValue ?? [] {
            guard let reference = entity["what"]?["reference"]?.stringValue else { continue }
            let unversioned = Self.unversioned(reference)
            references.insert(unversioned)
            if entity["role"]?["system"]?.stringValue == AuditSystems.objectRole, entity["role"]?["code"]?.stringValue == "1",
               unversioned.hasPrefix("Patient/") {
                patients.insert(String(unversioned.dropFirst("Patient/".count)))
            }
        }
        patientIDs = patients.sorted()
        entityReferences = references.sorted()
    }

    /// `Type/id` of a possibly versioned reference (`Type/id/_history/2`).
    package static func unversioned(_ reference: String) -> String {
        // Split rather than `range(of:)`, which goes through NSString on Linux: this runs for every audited entity.
        let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
        guard let marker = parts.lastIndex(of: "_history"), marker > 0 else { return reference }
        return parts[..<marker].joined(separator: "/")
    }

    /// `date` in microseconds since 1970, rounded (exact for instants written with microseconds).
    package static func microseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1_000_000).rounded()
        guard value.isFinite else { return value > 0 ? .max : .min }
        if value >= Double(Int64.max) { return .max }
        if value <= Double(Int64.min) { return .min }
        return Int64(value)
    }

    private static func token(_ coding: JSON) -> String? {
        guard let system = coding["system"]?.stringValue, let code = coding["code"]?.stringValue else { return nil }
        return "\(system)|\(code)"
    }
}
