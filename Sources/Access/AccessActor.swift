/// Who is asking: the signed-in identity, independent of HTTP and tokens.
///
/// Named `AccessActor` rather than `Actor` so that it never shadows Swift's `Actor` protocol in modules that import
/// both.
public enum AccessActor: Sendable, Hashable {
    /// The patient, signed in as `Patient/id`.
    case patient(id: String)
    /// A legal representative, signed in as the `RelatedPerson`.
    case representative(Representative)
    /// A professional, signed in as a Practitioner acting in one PractitionerRole.
    case professional(Professional)
    /// An operator with full system access (`dossier token --admin`): operations, imports, tests; always audited.
    /// Not a party to the care relationship, so not allowed to take the patient's own decisions (consents, labels).
    case administrator

    /// A legal representative of one patient (parent of a minor, guardian).
    public struct Representative: Sendable, Hashable {
        /// The `RelatedPerson` id the representative signs in as.
        public var relatedPersonID: String
        /// The patient represented.
        public var patientID: String
        /// `GUARD` or `PRN`.
        public var relationship: Relationship

        /// A representative of `patientID`.
        public init(relatedPersonID: String, patientID: String, relationship: Relationship) {
            self.relatedPersonID = relatedPersonID
            self.patientID = patientID
            self.relationship = relationship
        }

        /// The `v3-RoleCode` relationships that make a RelatedPerson a legal representative.
        public enum Relationship: String, Sendable, Hashable, CaseIterable {
            /// Guardian.
            case guardian = "GUARD"
            /// Parent.
            case parent = "PRN"
        }
    }

    /// A professional acting in one role.
    public struct Professional: Sendable, Hashable {
        /// The `Practitioner` id: what blocks and person-level authorisations name.
        public var practitionerID: String
        /// The `PractitionerRole` id the professional acts in, when known.
        public var roleID: String?
        /// The role's `Organization` id: what organisation authorisations and care relationships name.
        public var organizationID: String?
        /// The role's profession (the matrix key).
        public var profession: Profession
        /// The `CareTeam`s the professional is a member of.
        public var careTeamIDs: [String]

        /// A professional; the HTTP layer fills this from the token and the PractitionerRole.
        public init(practitionerID: String, roleID: String? = nil, organizationID: String? = nil,
                    profession: Profession, careTeamIDs: [String] = []) {
            self.practitionerID = practitionerID
            self.roleID = roleID
            self.organizationID = organizationID
            self.profession = profession
            self.careTeamIDs = careTeamIDs
        }

        /// Whether `reference` names this professional as a person, role, team or organisation.
        @inlinable
        public func isNamed(by reference: ActorReference) -> Bool {
            switch reference {
            case .practitioner(let id): id == practitionerID
            case .practitionerRole(let id): id == roleID
            case .careTeam(let id): careTeamIDs.contains(id)
            case .organization(let id): id == organizationID
            case .patient, .relatedPerson: false
            }
        }

        /// Whether `reference` names this professional personally (the Practitioner, or the role they act in).
        @inlinable
        public func isPersonallyNamed(by reference: ActorReference) -> Bool {
            switch reference {
            case .practitioner(let id): id == practitionerID
            case .practitionerRole(let id): id == roleID
            default: false
            }
        }
    }
}
