#pragma once

#include <QList>
#include <QPlainTextEdit>
#include <QString>

class QSyntaxHighlighter;

namespace ktx {

enum class SyntaxLanguage;

// A plain-text code editor: line numbers in a gutter, syntax colouring through
// SyntaxHighlighting, and diagnostics — a wavy underline from the reported
// line and column to the end of the token, and a marker in the gutter — drawn
// as extra selections, so they never fight the highlighter's formats.
class CodeEditor : public QPlainTextEdit
{
    Q_OBJECT

public:
    struct Diagnostic
    {
        int line = 0; // 1-based; 0: the whole file (gutter marker on line 1)
        int column = 0; // 1-based; 0: the whole line
        bool isError = true;
        QString message;
    };

    explicit CodeEditor(QWidget *parent = nullptr);

    void setLanguage(SyntaxLanguage language);
    void setDiagnostics(const QList<Diagnostic> &diagnostics);
    const QList<Diagnostic> &diagnostics() const { return m_diagnostics; }
    // Moves the cursor to a 1-based line and column and shows it.
    void goTo(int line, int column);

    int gutterWidth() const;
    // The diagnostic drawn at a 1-based line (the first error wins); null when none.
    const Diagnostic *diagnosticAt(int line) const;
    // The underlined range of a diagnostic as (position, length) in the document.
    QPair<int, int> diagnosticRange(const Diagnostic &diagnostic) const;

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    class Gutter;
    void paintGutter(QPaintEvent *event);
    void updateGutter(const QRect &rect, int dy);
    void updateSelections();

    Gutter *m_gutter;
    QSyntaxHighlighter *m_highlighter = nullptr;
    SyntaxLanguage m_language;
    QList<Diagnostic> m_diagnostics;
};

} // namespace ktx
