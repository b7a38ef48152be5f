/// The FHIR RESTful interaction an event records (`http://hl7.org/fhir/restful-interaction`), its subtype.
public enum AuditInteraction: String, Sendable, Hashable, CaseIterable {
    case read
    case vread
    case update
    case patch
    case delete
    case historyInstance = "history-instance"
    case historyType = "history-type"
    case historySystem = "history-system"
    case create
    case searchType = "search-type"
    case searchSystem = "search-system"
    case batch
    case transaction
    case operation

    /// The code in `http://hl7.org/fhir/restful-interaction`.
    public var code: String { rawValue }

    /// The event action BALP gives this interaction: create C, read/vread/history R, update/patch U, delete D,
    /// search, batch, transaction and operations E (execute).
    public var defaultAction: AuditActionCode {
        switch self {
        case .create: .create
        case .read, .vread, .historyInstance, .historyType, .historySystem: .read
        case .update, .patch: .update
        case .delete: .delete
        case .searchType, .searchSystem, .batch, .transaction, .operation: .execute
        }
    }
}
