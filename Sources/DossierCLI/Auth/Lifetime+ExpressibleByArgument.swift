import ArgumentParser
import Auth

/// `--lifetime 1h`, `--access-token-lifetime 15m`: durations as operators write them.
extension Lifetime: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public var defaultValueDescription: String { description }
}
