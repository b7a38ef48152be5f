import FHIRServer

/// Where `dossier import` sends its Bundles: the FHIR service in this process, or a running server.
protocol BundleSink: Sendable {
    /// Submits one batch or transaction Bundle (`POST [base]`) and returns the FHIR response.
    /// Throws only when the Bundle could not be delivered at all (for example, the server is unreachable).
    func submit(_ bundle: [UInt8]) async throws -> FHIRResponse
    /// Releases what the sink holds (database, connections).
    func shutdown() async throws
}

/// The headers every submitted Bundle carries.
let bundleRequestHeaders = [
    "content-type": "application/fhir+json",
    "accept": "application/fhir+json",
    "prefer": "return=minimal",
]
