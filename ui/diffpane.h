#pragma once

#include "models/worddiff.h"

#include <QList>
#include <QPlainTextEdit>

#include <functional>

namespace ktx {

// One row of a rendered diff: a document block of a DiffPane.
struct DiffRow
{
    enum class Kind : quint8 { Header, Context, Added, Removed, Filler };
    Kind kind = Kind::Context;
    int hunk = -1;
    int oldLine = 0; // 0: none on this side
    int newLine = 0;
    QList<WordDiff::Range> words; // changed words inside a modified line pair
};

// A read-only text pane for one side of a diff (or the unified diff): one
// block per DiffRow, line numbers and +/− signs in a gutter, line and word
// backgrounds painted under the text so the syntax highlighter's colours stay
// intact, and a widget placed on each visible hunk header (the Accept / Reject
// bar), created only for headers on screen.
class DiffPane : public QPlainTextEdit
{
    Q_OBJECT

public:
    enum class Numbers { Both, Old, New };

    explicit DiffPane(Numbers numbers, QWidget *parent = nullptr);

    void setRows(const QString &text, QList<DiffRow> rows);
    const QList<DiffRow> &rows() const { return m_rows; }
    // The block of a hunk's header row; -1 when absent.
    int headerBlock(int hunk) const;
    void setCurrentHunk(int hunk);
    // Called for each visible header with a widget to reuse (nullptr: make one).
    using HeaderFactory = std::function<QWidget *(int hunk, QWidget *reuse)>;
    void setHeaderFactory(HeaderFactory factory) { m_factory = std::move(factory); }
    void relayoutHeaders();
    // The header widget currently placed for a hunk (nullptr when off screen).
    QWidget *headerWidget(int hunk) const;
    int gutterWidth() const;
    // The background of hunk header rows, for widgets drawn over them.
    static QColor headerColor(const QPalette &palette, bool current);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    class Gutter;
    void paintGutter(QPaintEvent *event);

    Numbers m_numbers;
    Gutter *m_gutter;
    QList<DiffRow> m_rows;
    QList<int> m_headerBlocks; // by hunk
    int m_currentHunk = -1;
    HeaderFactory m_factory;
    QList<QPair<int, QWidget *>> m_headers; // hunk, widget on screen
    QList<QWidget *> m_spare;
};

} // namespace ktx
