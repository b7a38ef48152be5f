/// Whom an operator token (`dossier token`) is for.
public enum OperatorActor: Sendable, Hashable {
    /// `--admin`: full system access.
    case admin
    /// `--user Patient/ID`, `--user Practitioner/ID [--role PractitionerRole/ID]`, `--user RelatedPerson/ID`.
    case user(ActorReference, role: ActorReference?)
}
