/// What the actor wants to do with a resource of the patient's record.
public enum AccessAction: Sendable, Hashable {
    /// Read, and everything that shows content: search, history, `_include`, `$everything`, summaries.
    case read
    /// Add a new resource to the record (create; a document's new version).
    /// Rule 6: the patient cannot block an authorised professional from adding, so a block does not stop this.
    case create
    /// Change an existing resource (`resource` is the stored version). Needs to be able to read it, and, when it
    /// records authors, to be one of them.
    case update
    /// Delete an existing resource; same conditions as ``update``.
    case delete
    /// Create or withdraw a patient decision (`resource` is the Consent, with its ``ResourceAccessMetadata/consent``).
    /// Creates, updates and deletes of `Consent` resources are always decided as this action.
    case changeConsent
    /// Add a visibility label (`$meta-add`, or an update changing only `meta.security`).
    case addLabel(VisibilityLabel)
    /// Remove a visibility label (`$meta-delete`, or an update changing only `meta.security`).
    case removeLabel(VisibilityLabel)
    /// Declare an emergency (`$break-glass`) with this purpose.
    case breakTheGlass(EmergencyPurpose)
}
