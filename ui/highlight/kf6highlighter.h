#pragma once

#ifdef KTX_HAVE_KF6_SYNTAX

#include "syntaxhighlighting.h"

#include <KSyntaxHighlighting/SyntaxHighlighter>

namespace ktx {

// KDE's engine and themes when the build found KF6SyntaxHighlighting: more languages' details
// and the user's configured colours, behind the same SyntaxHighlighting entry points.
class Kf6Highlighter : public KSyntaxHighlighting::SyntaxHighlighter
{
    Q_OBJECT

public:
    // nullptr when the installed repository lacks a definition for the language, so the caller
    // can fall back to the built-in engine.
    static Kf6Highlighter *create(QTextDocument *document, SyntaxLanguage language,
                                  const QPalette &palette);

    void applyPalette(const QPalette &palette);

private:
    explicit Kf6Highlighter(QTextDocument *document);
};

} // namespace ktx

#endif // KTX_HAVE_KF6_SYNTAX
