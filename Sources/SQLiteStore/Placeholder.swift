public enum _SQLiteStorePlaceholder {}
