#pragma once

namespace ktx {

// What a highlighted range of text is, independent of how it is coloured.
// HighlightTheme maps each class to a format; lexers only ever produce classes.
enum class TokenClass {
    Key, // YAML mapping keys, JSON object keys
    String,
    Number,
    Constant, // true, false, null, ~
    Comment,
    Keyword,
    Function,
    Operator, // operators and structural punctuation
    Anchor, // YAML anchors and aliases
    Tag, // YAML tags and directives
    Heading,
    Emphasis,
    Strong,
    Code, // Markdown code spans and fenced blocks without a known language
    Link,
    DiffFileHeader,
    DiffHunkHeader,
    DiffAdded,
    DiffRemoved,
    DiffContext,
};

inline constexpr int TokenClassCount = static_cast<int>(TokenClass::DiffContext) + 1;

constexpr const char *tokenClassName(TokenClass token)
{
    switch (token) {
    case TokenClass::Key:
        return "Key";
    case TokenClass::String:
        return "String";
    case TokenClass::Number:
        return "Number";
    case TokenClass::Constant:
        return "Constant";
    case TokenClass::Comment:
        return "Comment";
    case TokenClass::Keyword:
        return "Keyword";
    case TokenClass::Function:
        return "Function";
    case TokenClass::Operator:
        return "Operator";
    case TokenClass::Anchor:
        return "Anchor";
    case TokenClass::Tag:
        return "Tag";
    case TokenClass::Heading:
        return "Heading";
    case TokenClass::Emphasis:
        return "Emphasis";
    case TokenClass::Strong:
        return "Strong";
    case TokenClass::Code:
        return "Code";
    case TokenClass::Link:
        return "Link";
    case TokenClass::DiffFileHeader:
        return "DiffFileHeader";
    case TokenClass::DiffHunkHeader:
        return "DiffHunkHeader";
    case TokenClass::DiffAdded:
        return "DiffAdded";
    case TokenClass::DiffRemoved:
        return "DiffRemoved";
    case TokenClass::DiffContext:
        return "DiffContext";
    }
    return "?";
}

} // namespace ktx
