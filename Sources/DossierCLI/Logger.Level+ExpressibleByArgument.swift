import ArgumentParser
import Logging

extension Logger.Level: @retroactive ExpressibleByArgument {
    /// Accepts the level names `trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// Sets up swift-log once per process: plain lines on standard error at `level`.
func bootstrapLogging(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
