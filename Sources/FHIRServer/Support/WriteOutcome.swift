import Store

/// What a write interaction did, inside a transaction: the basis of its HTTP status and of transaction responses.
enum WriteOutcome: Sendable {
    /// A new resource (201).
    case created(StoredResource)
    /// A new version of an existing resource (200).
    case updated(StoredResource)
    /// A conditional create matched this existing resource: nothing written (200).
    case existing(StoredResource)
    /// A deletion tombstone was written (204).
    case deleted(StoredResource)
    /// A delete found nothing to delete (204).
    case nothingToDelete

    /// The version this outcome wrote, if any.
    var written: StoredResource? {
        switch self {
        case .created(let s), .updated(let s), .deleted(let s): s
        case .existing, .nothingToDelete: nil
        }
    }

    /// The version the outcome leaves current (nil after a delete).
    var stored: StoredResource? {
        switch self {
        case .created(let s), .updated(let s), .existing(let s): s
        case .deleted, .nothingToDelete: nil
        }
    }

    var status: Int {
        switch self {
        case .created: 201
        case .updated, .existing: 200
        case .deleted, .nothingToDelete: 204
        }
    }
}
