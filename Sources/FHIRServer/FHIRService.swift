import FHIRCore
import Foundation
import Logging
import Store

/// The FHIR R4 REST interactions as plain functions over ``FHIRRequest`` / ``FHIRResponse``: no HTTP here.
///
/// The Hummingbird layer, the importer and tests all call ``handle(_:)``.
public final class FHIRService: Sendable {
    public let store: any FHIRStore
    public let configuration: ServerConfiguration
    let logger: Logger

    public init(store: any FHIRStore, configuration: ServerConfiguration = .init(), logger: Logger = Logger(label: "dossier.fhir")) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Handles one interaction. Never throws: every failure becomes an OperationOutcome response.
    public func handle(_ request: FHIRRequest) async -> FHIRResponse {
        FHIRResponse(status: 501, headers: [("Content-Type", "application/fhir+json;charset=utf-8")],
                     body: FHIRError(.notImplemented, "not yet").operationOutcome.serialized())
    }
}
