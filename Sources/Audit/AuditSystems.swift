/// The code systems and extension URLs an ``AuditRecord`` is rendered with (IHE BALP, DICOM, HL7).
public enum AuditSystems {
    /// HL7 audit event types (`rest`).
    public static let auditEventType = "http://terminology.hl7.org/CodeSystem/audit-event-type"
    /// FHIR RESTful interactions (`read`, `search-type`, ...), the subtype of every REST event.
    public static let restfulInteraction = "http://hl7.org/fhir/restful-interaction"
    /// DICOM: `110113` Security Alert, `110127` Emergency Override Started, agent roles `110152`/`110153`.
    public static let dicom = "http://dicom.nema.org/resources/ontology/DCM"
    /// HL7 reasons: purposes of use (`ETREAT`, `BTG`, `TREAT`).
    public static let actReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
    /// HL7 participation types: `IRCP`, the user agent (information recipient).
    public static let participationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
    /// HL7 role classes: `PROV`, the user's organisation agent (healthcare provider).
    public static let roleClass = "http://terminology.hl7.org/CodeSystem/v3-RoleClass"
    /// HL7 audit entity types: `1` Person, `2` System Object.
    public static let auditEntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
    /// HL7 object roles: `1` Patient, `4` Domain Resource, `24` Query.
    public static let objectRole = "http://terminology.hl7.org/CodeSystem/object-role"
    /// HL7 audit source types: `4` Application Server.
    public static let securitySourceType = "http://terminology.hl7.org/CodeSystem/security-source-type"
    /// Dossier's FHIR operations (`$break-glass`, `$meta-add`, ...), an extra subtype of operation events.
    public static let operation = "https://dossier.health/CodeSystem/operation"
    /// Extension on the user agent: the `PractitionerRole` the user acted through (`valueReference`).
    public static let practitionerRoleExtension = "https://dossier.health/StructureDefinition/audit-agent-practitioner-role"
    /// Extension on the event: a free description of what happened (`valueString`).
    public static let descriptionExtension = "https://dossier.health/StructureDefinition/audit-description"
}
