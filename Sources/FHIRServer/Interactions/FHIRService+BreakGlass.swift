import Access
import FHIRCore
import Foundation
import Store

extension FHIRService {
    /// `POST [base]/Patient/id/$break-glass` (RULES-API.md "Emergency access"): a professional declares an
    /// emergency with a `reason` and a `purpose` (`v3-ActReason#ETREAT` by default, or
    /// `access-mode#centre-15`). Refused (403) when the patient objected in advance, the professional is blocked or
    /// their profession may not; otherwise the grant is recorded in the patient's record (a `Basic`), lasts
    /// ``ServerConfiguration/emergencyAccessDuration``, and is notified to the patient, their GP and the privacy
    /// officers of the professional's organisation (one `Communication`), all in one transaction.
    func breakGlass(_ request: FHIRRequest, patientID: String) async throws -> FHIRResponse {
        let parameters = try parseResource(request, expectedType: "Parameters")
        let values = parameters["parameter"]?.arrayValue ?? []
        func parameter(_ name: String) -> JSON? { values.first { $0["name"]?.stringValue == name } }
        guard let reason = parameter("reason")?["valueString"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else {
            throw FHIRError(.invalid, "$break-glass needs a 'reason' (valueString) saying why", issueType: "required", expression: ["Parameters.parameter.where(name='reason')"])
        }
        var purpose = EmergencyPurpose.emergencyTreatment
        if let coding = parameter("purpose")?["valueCoding"] {
            guard let system = coding["system"]?.stringValue, let code = coding["code"]?.stringValue,
                  let parsed = EmergencyPurpose(code: SystemCode(system, code)) else {
                throw FHIRError(.invalid, "'purpose' must be \(SystemCode.Systems.actReason)|ETREAT or \(SystemCode.Systems.dossierAccessMode)|centre-15", issueType: "value", expression: ["Parameters.parameter.where(name='purpose')"])
            }
            purpose = parsed
        }
        guard case .professional(let professional)? = request.access.actor else {
            throw FHIRError(.forbidden, Self.explanation(.notAProfessional), issueType: "forbidden")
        }
        let access = request.access
        let purposeOfUse = purpose
        let duration = configuration.emergencyAccessDuration
        let (grant, expires): (StoredResource, Date) = try await store.write { tx in
            guard let patient = try tx.read(type: "Patient", id: patientID), !patient.isDeleted else {
                throw FHIRError(.notFound, "Patient/\(patientID) is not known")
            }
            let context = try self.patientContext(tx, patientID)
            let metadata = ResourceAccessMetadata.extract(from: try JSON.parse(patient.content))
            let decision = self.decide(.professional(professional), .breakTheGlass(purposeOfUse), context, metadata, at: access.now)
            guard decision.isPermitted else { throw Self.denial(decision, type: "Patient", id: patientID) }
            let expires = access.now.addingTimeInterval(duration)
            let record = EmergencyGrant(practitionerID: professional.practitionerID, roleID: professional.roleID, purpose: purposeOfUse, expires: expires)
            let basic = EmergencyAccessRecord.resource(patientID: patientID, grant: record, organizationID: professional.organizationID,
                                                       reason: reason, now: access.now)
            let grantID = Self.newID()
            let stored = try self.writer.put(tx, type: "Basic", id: grantID, resource: basic, method: .create, current: nil)
            var recipients = ["Patient/\(patientID)"] + context.generalPractitioners.map(\.reference)
            recipients += try self.privacyOfficers(tx, organizationID: professional.organizationID).map { "PractitionerRole/\($0)" }
            let who = "Practitioner/\(professional.practitionerID)" + (professional.roleID.map { " (PractitionerRole/\($0))" } ?? "")
            let text = "Emergency access to this record by \(who) at \(FHIRInstant.format(access.now)), until \(FHIRInstant.format(expires)). Reason given: \(reason)"
            try self.writeNotification(tx, .emergencyAccess, key: "Basic/\(grantID)", patientID: patientID, recipients: recipients,
                                       about: ["Basic/\(grantID)"], text: text, sender: "Practitioner/\(professional.practitionerID)",
                                       priority: "urgent", now: access.now)
            return (stored, expires)
        }
        didWrite([grant])
        request.access.trail.touch(grant)
        request.access.trail.markOverride()
        let result: JSON = ["resourceType": "Parameters", "parameter": [
            ["name": "expires", "valueInstant": .string(FHIRInstant.format(expires))],
            ["name": "grant", "valueReference": ["reference": .string("Basic/\(grant.id)")]],
        ]]
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(result, request))
    }

    /// The PractitionerRoles of privacy officers at an organisation.
    func privacyOfficers(_ tx: any StoreTransaction, organizationID: String?) throws -> [String] {
        guard let organizationID else { return [] }
        let officer = Profession.privacyOfficer.code
        let roles = try tx.search(SearchQuery(type: "PractitionerRole", condition: .all([
            .reference("organization", "Organization", organizationID), .token("role", system: officer.system, [officer.code]),
        ]), limit: 100))
        return roles.map(\.id)
    }
}
