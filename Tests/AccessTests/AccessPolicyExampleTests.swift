import Access
import Foundation
import Testing

/// One example per rule of DOMAIN.md "Who may see what", named after the behaviour.
@Suite struct AccessPolicyExampleTests {
    // MARK: Rule 1: the patient

    @Test func patientSeesWholeRecordIncludingMaskedDocuments() {
        #expect(Fx.decide(Fx.patient, .read, Fx.record(), Fx.document(labels: .maskedFromProfessionals)) == .permit(.patient))
    }

    @Test func patientCannotFindAnotherPatientsRecord() {
        #expect(Fx.decide(.patient(id: "pa2")).denial == .notFound)
    }

    @Test func documentInvisibleToPatientBecomesVisibleExactlyOneCalendarMonthAfterItsDate() {
        // 31 January + one month = 28 February (clamped), same UTC time; visible from that instant on.
        let doc = Fx.document(labels: .invisibleToPatient, date: Fx.date("2025-01-31T10:00:00Z"))
        #expect(doc.patientVisibleFrom == Fx.date("2025-02-28T10:00:00Z"))
        #expect(Fx.decide(Fx.patient, .read, Fx.record(), doc, at: Fx.date("2025-02-28T09:59:59Z")) == .deny(.notFound, .notYetVisibleToPatient))
        #expect(Fx.decide(Fx.patient, .read, Fx.record(), doc, at: Fx.date("2025-02-28T10:00:00Z")) == .permit(.patient))
        let leap = Fx.document(labels: .invisibleToPatient, date: Fx.date("2024-01-31T23:30:00Z"))
        #expect(leap.patientVisibleFrom == Fx.date("2024-02-29T23:30:00Z"))
        let yearEnd = Fx.document(labels: .invisibleToPatient, date: Fx.date("2025-12-15T00:00:00Z"))
        #expect(yearEnd.patientVisibleFrom == Fx.date("2026-01-15T00:00:00Z"))
    }

    @Test func documentInvisibleToPatientWithoutDateStaysHiddenUntilTheAuthorRemovesTheLabel() {
        let doc = Fx.document(labels: .invisibleToPatient, date: nil)
        #expect(Fx.decide(Fx.patient, .read, Fx.record(), doc, at: Fx.date("2099-01-01T00:00:00Z")).denial == .notFound)
    }

    // MARK: Representatives

    @Test func representativeSeesLikeThePatientExceptDocumentsHiddenFromRepresentatives() {
        #expect(Fx.decide(Fx.parent) == .permit(.representative))
        #expect(Fx.decide(Fx.parent, .read, Fx.record(), Fx.document(labels: .invisibleToRepresentatives))
            == .deny(.notFound, .hiddenFromRepresentatives))
        #expect(Fx.decide(Fx.patient, .read, Fx.record(), Fx.document(labels: .invisibleToRepresentatives)) == .permit(.patient))
        #expect(Fx.decide(Fx.parent, .read, Fx.record(), Fx.document(labels: .invisibleToPatient, date: Fx.date("2025-05-20T00:00:00Z"))).denial == .notFound)
    }

    @Test func representativeOfAnotherPatientFindsNothing() {
        let other = AccessActor.representative(.init(relatedPersonID: "rp9", patientID: "pa2", relationship: .guardian))
        #expect(Fx.decide(other).denial == .notFound)
    }

    // MARK: Rule 2: professionals need a ground

    @Test func professionalWithoutAnyGroundFindsNothing() {
        #expect(Fx.decide(Fx.pro()) == .deny(.notFound, .noAccess))
    }

    @Test(arguments: [ActorReference.practitioner("pr1"), .practitionerRole("ro1"), .careTeam("t1"), .organization("o1")])
    func authorisationOfPersonRoleTeamOrOrganisationGivesAccess(_ grantee: ActorReference) {
        #expect(Fx.decide(Fx.pro(teams: ["t1"]), .read, Fx.record(consents: [Fx.authorise(grantee)])) == .permit(.authorised))
        #expect(Fx.decide(Fx.pro("pr2", role: "ro2", org: "o2"), .read, Fx.record(consents: [Fx.authorise(grantee)])).denial == .notFound)
    }

    @Test func authorisationAppliesFromItsStartUntilJustBeforeItsEnd() {
        let period = ConsentPeriod(start: Fx.date("2025-06-01T00:00:00Z"), end: Fx.date("2025-07-01T00:00:00Z"))
        let record = Fx.record(consents: [Fx.authorise(.practitioner("pr1"), period: period)])
        #expect(Fx.decide(Fx.pro(), .read, record, at: Fx.date("2025-05-31T23:59:59Z")).denial == .notFound)
        #expect(Fx.decide(Fx.pro(), .read, record, at: Fx.date("2025-06-01T00:00:00Z")) == .permit(.authorised))
        #expect(Fx.decide(Fx.pro(), .read, record, at: Fx.date("2025-06-30T23:59:59Z")) == .permit(.authorised))
        #expect(Fx.decide(Fx.pro(), .read, record, at: Fx.date("2025-07-01T00:00:00Z")).denial == .notFound)
    }

    @Test func withdrawnAuthorisationGivesNoAccess() {
        var consent = Fx.authorise(.practitioner("pr1"))
        consent.status = .inactive
        #expect(Fx.decide(Fx.pro(), .read, Fx.record(consents: [consent])).denial == .notFound)
    }

    @Test func gpNamedByPractitionerHasAccessInAnyRoleButGPNamedByRoleOnlyInThatRole() {
        #expect(Fx.decide(Fx.pro(role: "ro7"), .read, Fx.record(gp: [.practitioner("pr1")])) == .permit(.gp))
        #expect(Fx.decide(Fx.pro(role: "ro1"), .read, Fx.record(gp: [.practitionerRole("ro1")])) == .permit(.gp))
        #expect(Fx.decide(Fx.pro(role: "ro2"), .read, Fx.record(gp: [.practitionerRole("ro1")])).denial == .notFound)
    }

    @Test func careRelationshipGivesAccessOnlyToProfessionalsOfThatOrganisation() {
        let record = Fx.record(care: ["o1"])
        #expect(Fx.decide(Fx.pro(org: "o1"), .read, record) == .permit(.careRelationship))
        #expect(Fx.decide(Fx.pro(org: "o2"), .read, record).denial == .notFound)
    }

    @Test func liveEmergencyGrantGivesOverrideAccessUntilItExpires() {
        let expires = Fx.date("2025-06-01T16:00:00Z")
        let record = Fx.record(grants: [EmergencyGrant(practitionerID: "pr1", purpose: .emergencyTreatment, expires: expires)])
        let decision = Fx.decide(Fx.pro(), .read, record, at: expires.addingTimeInterval(-1))
        #expect(decision == .permit(.emergency(.emergencyTreatment)))
        #expect(decision.basis?.isOverride == true)
        #expect(decision.basis?.purposeOfUse.map(\.code) == ["ETREAT", "BTG"])
        #expect(Fx.decide(Fx.pro(), .read, record, at: expires).denial == .notFound)
    }

    @Test func breakTheGlassIsGrantedToADoctorAndRefusedWhenThePatientObjected() {
        #expect(Fx.decide(Fx.pro(), .breakTheGlass(.emergencyTreatment), Fx.record(), Fx.document())
            == .permit(.emergency(.emergencyTreatment)))
        let objection = ConsentDecision(kind: .objectToEmergencyAccess)
        #expect(Fx.decide(Fx.pro(), .breakTheGlass(.emergencyTreatment), Fx.record(consents: [objection]))
            == .deny(.forbidden, .emergencyObjected))
    }

    @Test func objectionVoidsEmergencyGrantsStillLive() {
        let grant = EmergencyGrant(practitionerID: "pr1", purpose: .emergencyTreatment, expires: Fx.date("2025-06-02T00:00:00Z"))
        let record = Fx.record(consents: [ConsentDecision(kind: .objectToEmergencyAccess)], grants: [grant])
        #expect(Fx.decide(Fx.pro(), .read, record).denial == .notFound)
    }

    @Test func adminStaffMayNotBreakTheGlassAndTheRegulationCentreOnlyAsCentre15() {
        #expect(Fx.decide(Fx.pro(.adminStaff), .breakTheGlass(.emergencyTreatment)) == .deny(.forbidden, .professionMayNotBreakTheGlass))
        #expect(Fx.decide(Fx.pro(.emergencyRegulator), .breakTheGlass(.centre15)) == .permit(.emergency(.centre15)))
        #expect(Fx.decide(Fx.pro(.emergencyRegulator), .breakTheGlass(.emergencyTreatment)).denial == .forbidden)
        #expect(Fx.decide(Fx.patient, .breakTheGlass(.emergencyTreatment)).denial == .forbidden)
    }

    // MARK: Rule 3: block

    @Test func blockBeatsGPAuthorisationCareRelationshipAndEmergency() {
        let record = Fx.record(gp: [.practitioner("pr1")],
                               consents: [Fx.authorise(.practitioner("pr1")), ConsentDecision(kind: .block(practitionerIDs: ["pr1"]))],
                               care: ["o1"],
                               grants: [EmergencyGrant(practitionerID: "pr1", purpose: .emergencyTreatment, expires: Fx.date("2030-01-01T00:00:00Z"))])
        #expect(Fx.decide(Fx.pro(), .read, record) == .deny(.notFound, .blocked))
        #expect(Fx.decide(Fx.pro(), .breakTheGlass(.emergencyTreatment), record) == .deny(.forbidden, .blocked))
        #expect(Fx.decide(Fx.pro("pr2"), .read, record) == .permit(.careRelationship))
    }

    @Test func blockedProfessionalSeesTheirOwnBlockButNoOtherDenyDecision() {
        let block = ConsentDecision(consentID: "b1", kind: .block(practitionerIDs: ["pr1"]))
        let other = ConsentDecision(consentID: "b2", kind: .block(practitionerIDs: ["pr2"]))
        let objection = ConsentDecision(consentID: "o1", kind: .objectToEmergencyAccess)
        let record = Fx.record(gp: [.practitioner("pr2")], consents: [block, other, objection])
        #expect(Fx.decide(Fx.pro(), .read, record, Fx.consentResource(block)) == .permit(.ownBlock))
        #expect(Fx.decide(Fx.pro(), .update, record, Fx.consentResource(block)).denial == .forbidden)
        #expect(Fx.decide(Fx.pro("pr2"), .read, Fx.record(gp: [.practitioner("pr2")]), Fx.consentResource(objection)).denial == .notFound)
        #expect(Fx.decide(Fx.pro("pr2"), .read, Fx.record(gp: [.practitioner("pr2")]), Fx.consentResource(Fx.authorise(.organization("o1"))))
            == .permit(.gp))
    }

    // MARK: Rule 4: masking

    @Test func maskedDocumentIsHiddenFromAuthorisedProfessionalButNotFromGP() {
        let masked = Fx.document(labels: .maskedFromProfessionals)
        let record = Fx.record(gp: [.practitioner("gp")], consents: [Fx.authorise(.practitioner("pr1"))])
        #expect(Fx.decide(Fx.pro(), .read, record, masked) == .deny(.notFound, .masked))
        #expect(Fx.decide(Fx.pro("gp", role: nil), .read, record, masked) == .permit(.gp))
    }

    @Test func maskedDocumentStaysVisibleToItsAuthorAndToGPEquivalents() {
        let masked = Fx.document(labels: .maskedFromProfessionals, authors: [.practitionerRole("ro1")])
        #expect(Fx.decide(Fx.pro(), .read, Fx.record(care: ["o1"]), masked) == .permit(.careRelationship))
        let gpEquivalent = ConsentDecision(kind: .gpEquivalent([.careTeam("t2")]))
        #expect(Fx.decide(Fx.pro("pr2", role: "ro2", teams: ["t2"]), .read, Fx.record(consents: [gpEquivalent]), masked) == .permit(.gpEquivalent))
        // An authoring organisation does not make all its staff authors.
        let byOrg = Fx.document(labels: .maskedFromProfessionals, authors: [.organization("o1")])
        #expect(Fx.decide(Fx.pro(), .read, Fx.record(care: ["o1"]), byOrg).denial == .notFound)
    }

    @Test func maskedDocumentIsHiddenEvenInAnEmergency() {
        let record = Fx.record(grants: [EmergencyGrant(practitionerID: "pr1", purpose: .emergencyTreatment, expires: Fx.date("2030-01-01T00:00:00Z"))])
        #expect(Fx.decide(Fx.pro(), .read, record, Fx.document(labels: .maskedFromProfessionals)).denial == .notFound)
    }

    @Test func onlyThePatientOrRepresentativeMasksAndAProfessionalRemovingTheMaskIsForbidden() {
        let masked = Fx.document(labels: .maskedFromProfessionals)
        #expect(Fx.decide(Fx.patient, .removeLabel(.maskedFromProfessionals), Fx.record(), masked) == .permit(.patient))
        #expect(Fx.decide(Fx.parent, .addLabel(.maskedFromProfessionals)) == .permit(.representative))
        // The GP sees it, so is told "forbidden"; a professional who cannot see it is told "not found".
        #expect(Fx.decide(Fx.pro(), .removeLabel(.maskedFromProfessionals), Fx.record(gp: [.practitioner("pr1")]), masked)
            == .deny(.forbidden, .notTheActorsDecision))
        #expect(Fx.decide(Fx.pro(), .removeLabel(.maskedFromProfessionals), Fx.record(care: ["o1"]), masked).denial == .notFound)
        #expect(Fx.decide(.administrator, .removeLabel(.maskedFromProfessionals), Fx.record(), masked).denial == .forbidden)
    }

    @Test func onlyTheAuthorChangesInvisibleToPatient() {
        let doc = Fx.document(labels: .invisibleToPatient, authors: [.practitioner("pr1")], date: Fx.date("2025-05-20T00:00:00Z"))
        let record = Fx.record(care: ["o1"])
        #expect(Fx.decide(Fx.pro(), .removeLabel(.invisibleToPatient), record, doc) == .permit(.careRelationship))
        #expect(Fx.decide(Fx.pro("pr2"), .removeLabel(.invisibleToPatient), record, doc) == .deny(.forbidden, .notAuthor))
        #expect(Fx.decide(Fx.patient, .removeLabel(.invisibleToPatient), record, doc).denial == .notFound)
    }

    @Test func onlyThePatientHidesDocumentsFromRepresentatives() {
        #expect(Fx.decide(Fx.patient, .addLabel(.invisibleToRepresentatives)) == .permit(.patient))
        #expect(Fx.decide(Fx.parent, .addLabel(.invisibleToRepresentatives)).denial == .forbidden)
        #expect(Fx.decide(Fx.pro(), .addLabel(.invisibleToRepresentatives), Fx.record(gp: [.practitioner("pr1")])).denial == .forbidden)
    }

    // MARK: Rule 5: matrix

    @Test func pharmacistReadsPrescriptionsAndBiologyButNotPsychiatricNotesOrDischargeLetters() {
        let record = Fx.record(care: ["o1"])
        #expect(Fx.decide(Fx.pro(.pharmacist), .read, record, Fx.document("57833-6")).isPermitted)
        #expect(Fx.decide(Fx.pro(.pharmacist), .read, record, Fx.document("11502-2")).isPermitted)
        #expect(Fx.decide(Fx.pro(.pharmacist), .read, record, Fx.document("28627-8")) == .deny(.notFound, .matrix))
        #expect(Fx.decide(Fx.pro(.pharmacist), .read, record, Fx.document("11490-0")).denial == .notFound)
        #expect(Fx.decide(Fx.pro(.doctor), .read, record, Fx.document("28627-8")).isPermitted)
    }

    @Test func adminStaffNeverReadsClinicalContentEvenWhenAuthorisedOrGP() {
        let record = Fx.record(gp: [.practitioner("pr1")], consents: [ConsentDecision(kind: .gpEquivalent([.practitioner("pr1")]))])
        #expect(Fx.decide(Fx.pro(.adminStaff), .read, record, Fx.document("60591-5")).denial == .notFound)
        #expect(Fx.decide(Fx.pro(.adminStaff), .read, record, ResourceAccessMetadata(resourceType: "Observation")).denial == .notFound)
        #expect(Fx.decide(Fx.pro(.adminStaff), .read, record, ResourceAccessMetadata(resourceType: "Patient")) == .permit(.gp))
    }

    @Test func professionOutsideTheMatrixReadsNothing() {
        let astrologer = Profession(system: "urn:example", code: "astrologer")
        #expect(Fx.decide(Fx.pro(astrologer), .read, Fx.record(care: ["o1"]), ResourceAccessMetadata(resourceType: "Patient")).denial == .notFound)
    }

    // MARK: Rule 6: writing

    @Test func blockedButAuthorisedProfessionalMayStillAddButNotReadBack() {
        let record = Fx.record(consents: [ConsentDecision(kind: .block(practitionerIDs: ["pr1"]))], care: ["o1"])
        #expect(Fx.decide(Fx.pro(), .create, record) == .permit(.careRelationship))
        #expect(Fx.decide(Fx.pro(), .read, record).denial == .notFound)
        #expect(Fx.decide(Fx.pro(), .update, record, Fx.document(authors: [.practitioner("pr1")])).denial == .notFound)
        #expect(Fx.decide(Fx.pro("pr2", role: "ro2", org: "o2"), .create, record).denial == .notFound)
    }

    @Test func adminStaffMayAddDocumentsTheyCannotRead() {
        #expect(Fx.decide(Fx.pro(.adminStaff), .create, Fx.record(care: ["o1"])) == .permit(.careRelationship))
    }

    @Test func patientAdditionsMustBeMarkedPatientAddedAndOnlyThoseCanBeChangedByThePatient() {
        #expect(Fx.decide(Fx.patient, .create, Fx.record(), Fx.document(addedByPatient: true)) == .permit(.patient))
        #expect(Fx.decide(Fx.patient, .create, Fx.record(), Fx.document()) == .deny(.forbidden, .notMarkedAsPatientAdded))
        #expect(Fx.decide(Fx.patient, .delete, Fx.record(), Fx.document()) == .deny(.forbidden, .notAuthor))
        #expect(Fx.decide(Fx.parent, .update, Fx.record(), Fx.document(addedByPatient: true)) == .permit(.representative))
    }

    @Test func professionalUpdatesAndDeletesOnlyWhatTheyOrTheirOrganisationAuthored() {
        let record = Fx.record(care: ["o1"])
        #expect(Fx.decide(Fx.pro(), .update, record, Fx.document(authors: [.practitioner("pr1")])).isPermitted)
        #expect(Fx.decide(Fx.pro(), .delete, record, Fx.document(authors: [.organization("o1")])).isPermitted)
        #expect(Fx.decide(Fx.pro(), .update, record, Fx.document(authors: [.practitioner("pr2")])) == .deny(.forbidden, .notAuthor))
        #expect(Fx.decide(Fx.pro(), .update, record, Fx.document(authors: [.patient("pa1")], addedByPatient: true)).denial == .forbidden)
    }

    // MARK: Consent changes

    @Test func professionalMayRecordAnInPersonAuthorisationButNoOtherDecision() {
        let authorisation = Fx.consentResource(Fx.authorise(.organization("o1")))
        #expect(Fx.decide(Fx.pro(.adminStaff), .create, Fx.record(), authorisation) == .permit(.inPersonConsent))
        let gpEquivalent = Fx.consentResource(ConsentDecision(kind: .gpEquivalent([.practitioner("pr1")])))
        #expect(Fx.decide(Fx.pro(), .changeConsent, Fx.record(care: ["o1"]), gpEquivalent) == .deny(.forbidden, .notTheActorsDecision))
        let block = Fx.consentResource(ConsentDecision(kind: .block(practitionerIDs: ["pr2"])))
        #expect(Fx.decide(Fx.pro(), .changeConsent, Fx.record(care: ["o1"]), block).denial == .notFound)
        #expect(Fx.decide(Fx.patient, .changeConsent, Fx.record(), block) == .permit(.patient))
        #expect(Fx.decide(.administrator, .create, Fx.record(), block).denial == .forbidden)
    }

    // MARK: Rule 9: closure

    @Test func closedRecordIsNotFoundForProfessionalsAndReadOnlyForThePatient() {
        let record = Fx.record(gp: [.practitioner("pr1")], closed: true)
        #expect(Fx.decide(Fx.pro(), .read, record) == .deny(.notFound, .recordClosed))
        #expect(Fx.decide(Fx.pro(), .breakTheGlass(.emergencyTreatment), record).denial == .notFound)
        #expect(Fx.decide(Fx.patient, .read, record) == .permit(.patient))
        #expect(Fx.decide(Fx.patient, .create, record, Fx.document(addedByPatient: true)) == .deny(.forbidden, .recordClosed))
        #expect(Fx.decide(.administrator, .read, record) == .permit(.administrator))
    }

    // MARK: The operator

    @Test func operatorHasSystemAccessButTakesNoPatientDecisionAndNeverBreaksTheGlass() {
        #expect(Fx.decide(.administrator, .read, Fx.record(), Fx.document(labels: [.maskedFromProfessionals, .invisibleToPatient])) == .permit(.administrator))
        #expect(Fx.decide(.administrator, .delete) == .permit(.administrator))
        #expect(Fx.decide(.administrator, .addLabel(.maskedFromProfessionals)).denial == .forbidden)
        #expect(Fx.decide(.administrator, .breakTheGlass(.emergencyTreatment)).denial == .forbidden)
    }
}
