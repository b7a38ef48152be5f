/// The functions an expression may call, resolved once at compile time.
enum FHIRPathFunction: String, Sendable, CaseIterable {
    // Existence
    case empty, exists, all, allTrue, anyTrue, allFalse, anyFalse, subsetOf, supersetOf, count, distinct, isDistinct
    // Filtering and projection
    case `where`, select, `repeat`, ofType
    // Subsetting
    case single, first, last, tail, skip, take, intersect, exclude
    // Combining
    case union, combine
    // Conversion
    case iif, toBoolean, convertsToBoolean, toInteger, convertsToInteger, toDecimal, convertsToDecimal
    case toString, convertsToString, toDate, convertsToDate, toDateTime, convertsToDateTime, toTime, convertsToTime
    case toQuantity, convertsToQuantity
    // Strings
    case indexOf, substring, startsWith, endsWith, contains, upper, lower, replace, matches, matchesFull
    case replaceMatches, length, toChars, trim, split, join, encode, decode, escape, unescape
    // Math
    case abs, ceiling, exp, floor, ln, log, power, round, sqrt, truncate
    // Tree navigation
    case children, descendants
    // Utility
    case trace, now, today, timeOfDay, not, aggregate, sort
    // Types
    case `is`, `as`, type
    // FHIR
    case resolve, `extension`, hasValue, getValue, memberOf, conformsTo, htmlChecks
    // Precision
    case lowBoundary, highBoundary, precision, comparable

    /// The number of arguments accepted.
    var arity: ClosedRange<Int> {
        switch self {
        case .empty, .allTrue, .anyTrue, .allFalse, .anyFalse, .count, .distinct, .isDistinct, .single, .first,
             .last, .tail, .toBoolean, .convertsToBoolean, .toInteger, .convertsToInteger, .toDecimal,
             .convertsToDecimal, .toString, .convertsToString, .toDate, .convertsToDate, .toDateTime,
             .convertsToDateTime, .toTime, .convertsToTime, .upper, .lower, .length, .toChars, .trim, .abs,
             .ceiling, .exp, .floor, .ln, .sqrt, .truncate, .children, .descendants, .now, .today, .timeOfDay,
             .not, .type, .resolve, .hasValue, .getValue, .htmlChecks, .precision:
            0...0
        case .exists, .toQuantity, .convertsToQuantity, .join, .round, .lowBoundary, .highBoundary:
            0...1
        case .all, .subsetOf, .supersetOf, .where, .select, .repeat, .ofType, .skip, .take, .intersect, .exclude,
             .union, .combine, .indexOf, .startsWith, .endsWith, .contains, .matches, .matchesFull, .split, .encode,
             .decode, .escape, .unescape, .log, .power, .is, .as, .extension, .memberOf, .conformsTo, .comparable:
            1...1
        case .substring, .trace, .aggregate: 1...2
        case .iif: 2...3
        case .replace, .replaceMatches: 2...2
        case .sort: 0...8
        }
    }
}
