import FHIRCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns a `Consent` resource into the patient decision it records, exactly in the shapes of RULES-API.md
/// ("Patient decisions: one Consent each"), and refuses anything else with a `422` ``FHIRError`` naming the element.
///
/// Strict on purpose: a Consent that Dossier would read differently from the patient's intent (an unknown action, a
/// deny with a period, nested provisions) is refused rather than half-understood.
public enum ConsentParser {
    /// A parsed Consent: whose record it belongs to and what it decides.
    public struct Parsed: Sendable, Hashable {
        /// The `Consent.patient` id.
        public var patientID: String
        /// The decision.
        public var decision: ConsentDecision
    }

    /// Parses `consent`; throws `unprocessable` naming the first element that breaks the contract.
    public static func parse(_ consent: JSON) throws(FHIRError) -> Parsed {
        guard consent["resourceType"]?.stringValue == "Consent" else {
            throw refuse("the resource is not a Consent", "Consent.resourceType")
        }
        let status: ConsentDecision.Status
        switch consent["status"]?.stringValue {
        case "active": status = .active
        case "inactive": status = .inactive
        default: throw refuse("status must be 'active' or 'inactive'", "Consent.status")
        }
        guard codings(of: consent["scope"]).contains(SystemCode(SystemCode.Systems.consentScope, "patient-privacy")) else {
            throw refuse("scope must be consentscope#patient-privacy", "Consent.scope")
        }
        let categories = consent["category"]?.arrayValue ?? []
        guard categories.contains(where: { codings(of: $0).contains(SystemCode(SystemCode.Systems.loinc, "59284-0")) })
        else { throw refuse("category must include LOINC 59284-0", "Consent.category") }
        guard let patientRef = consent["patient"]?["reference"]?.stringValue,
              case .patient(let patientID)? = ActorReference(reference: patientRef) else {
            throw refuse("patient must reference a Patient", "Consent.patient")
        }
        guard let dateTime = consent["dateTime"]?.stringValue, FHIRDateTime(dateTime) != nil else {
            throw refuse("dateTime is required", "Consent.dateTime")
        }
        guard let provision = consent["provision"]?.objectValue else {
            throw refuse("one provision is required", "Consent.provision")
        }
        let decision = try parseProvision(JSON.object(provision), status: status, id: consent["id"]?.stringValue)
        return Parsed(patientID: patientID, decision: decision)
    }

    private static func parseProvision(_ p: JSON, status: ConsentDecision.Status, id: String?) throws(FHIRError)
        -> ConsentDecision {
        let allowed: Set<String> = ["id", "extension", "modifierExtension", "type", "actor", "action", "purpose", "period"]
        for member in p.objectValue ?? JSONObject() where !allowed.contains(member.key) {
            throw refuse("provision.\(member.key) is not supported in a patient decision", "Consent.provision.\(member.key)")
        }
        if let modifiers = p["modifierExtension"]?.arrayValue, !modifiers.isEmpty {
            throw refuse("modifier extensions are not understood", "Consent.provision.modifierExtension")
        }
        let actors = try parseActors(p["actor"])
        let purposes = (p["purpose"]?.arrayValue ?? []).map { coding($0) }
        let actions = (p["action"]?.arrayValue ?? []).flatMap { codings(of: $0) }
        switch p["type"]?.stringValue {
        case "permit":
            guard !actors.isEmpty else {
                throw refuse("a permit names at least one actor", "Consent.provision.actor")
            }
            for (k, actor) in actors.enumerated() {
                switch actor {
                case .practitioner, .practitionerRole, .careTeam, .organization: break
                default:
                    throw refuse("a permit names a Practitioner, PractitionerRole, CareTeam or Organization",
                                 "Consent.provision.actor[\(k)].reference")
                }
            }
            guard purposes.isEmpty else {
                throw refuse("a permit has no purpose", "Consent.provision.purpose")
            }
            let gpEquivalent = SystemCode(SystemCode.Systems.dossierConsentAction, "gp-equivalent")
            guard actions.allSatisfy({ $0 == gpEquivalent }) else {
                throw refuse("the only action understood is consent-action#gp-equivalent", "Consent.provision.action")
            }
            let period = try parsePeriod(p["period"])
            return ConsentDecision(consentID: id, status: status,
                                   kind: actions.isEmpty ? .authorise(actors) : .gpEquivalent(actors), period: period)
        case "deny":
            guard p["period"] == nil else {
                throw refuse("a deny applies until withdrawn and has no period", "Consent.provision.period")
            }
            guard p["action"] == nil else {
                throw refuse("a deny has no action", "Consent.provision.action")
            }
            if purposes.isEmpty {
                guard !actors.isEmpty else {
                    throw refuse("a block names the Practitioner blocked", "Consent.provision.actor")
                }
                var ids: [String] = []
                for (k, actor) in actors.enumerated() {
                    guard case .practitioner(let pid) = actor else {
                        throw refuse("a block names a Practitioner", "Consent.provision.actor[\(k)].reference")
                    }
                    ids.append(pid)
                }
                return ConsentDecision(consentID: id, status: status, kind: .block(practitionerIDs: ids))
            }
            guard actors.isEmpty else {
                throw refuse("an objection to emergency access names no actor", "Consent.provision.actor")
            }
            guard purposes.count == 1, purposes[0] == SystemCode(SystemCode.Systems.actReason, "ETREAT") else {
                throw refuse("the only purpose understood is v3-ActReason#ETREAT", "Consent.provision.purpose")
            }
            return ConsentDecision(consentID: id, status: status, kind: .objectToEmergencyAccess)
        default:
            throw refuse("provision.type must be 'permit' or 'deny'", "Consent.provision.type")
        }
    }

    private static func parseActors(_ value: JSON?) throws(FHIRError) -> [ActorReference] {
        guard let value else { return [] }
        guard let list = value.arrayValue else { throw refuse("actor must be an array", "Consent.provision.actor") }
        var result: [ActorReference] = []
        for (k, actor) in list.enumerated() {
            guard codings(of: actor["role"]).contains(SystemCode(SystemCode.Systems.participationType, "PRCP")) else {
                throw refuse("actor.role must be v3-ParticipationType#PRCP", "Consent.provision.actor[\(k)].role")
            }
            guard let text = actor["reference"]?["reference"]?.stringValue, let ref = ActorReference(reference: text)
            else {
                throw refuse("actor.reference must be a local reference", "Consent.provision.actor[\(k)].reference")
            }
            result.append(ref)
        }
        return result
    }

    private static func parsePeriod(_ value: JSON?) throws(FHIRError) -> ConsentPeriod? {
        guard let value else { return nil }
        var period = ConsentPeriod()
        if let start = value["start"] {
            guard let text = start.stringValue, let date = FHIRDateTime(text) else {
                throw refuse("period.start is not a dateTime", "Consent.provision.period.start")
            }
            period.start = date.lowerBound
        }
        if let end = value["end"] {
            guard let text = end.stringValue, let date = FHIRDateTime(text) else {
                throw refuse("period.end is not a dateTime", "Consent.provision.period.end")
            }
            period.end = date.upperBound
        }
        if let s = period.start, let e = period.end, e <= s {
            throw refuse("period.end is before period.start", "Consent.provision.period")
        }
        return period
    }

    /// The codings of a CodeableConcept.
    static func codings(of concept: JSON?) -> [SystemCode] {
        (concept?["coding"]?.arrayValue ?? []).map { coding($0) }
    }

    static func coding(_ c: JSON) -> SystemCode {
        SystemCode(c["system"]?.stringValue ?? "", c["code"]?.stringValue ?? "")
    }

    private static func refuse(_ message: String, _ element: String) -> FHIRError {
        FHIRError(.unprocessable, "Consent: \(message)", issueType: "invalid", expression: [element])
    }
}
