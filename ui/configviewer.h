#pragma once

#include "status/statusreport.h"

#include <QList>
#include <QPlainTextEdit>

class QSyntaxHighlighter;

namespace ktx {

// Read-only, syntax-highlighted ktx.yaml with line numbers. The text comes from
// the StatusReport (never read here); lines with config issues get a tinted
// background, and showLocation() selects the line an issue points at.
class ConfigViewer : public QPlainTextEdit
{
    Q_OBJECT

public:
    struct Mark
    {
        int line = 0; // 1-based
        ReadinessState state = ReadinessState::Warn;
    };

    explicit ConfigViewer(QWidget *parent = nullptr);

    // Keeps the scroll position when only part of the file changed.
    void setConfigText(const QByteArray &text);
    void setMarks(const QList<Mark> &marks);
    void showLocation(int line, int column);

    int lineNumberAreaWidth() const;
    void paintLineNumbers(QPaintEvent *event);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateLineNumberAreaWidth();
    void updateLineNumberArea(const QRect &rect, int dy);
    void updateExtraSelections();

    QWidget *m_lineNumberArea = nullptr;
    QSyntaxHighlighter *m_highlighter = nullptr;
    QByteArray m_text;
    QList<Mark> m_marks;
    int m_selectedLine = 0;
};

} // namespace ktx
