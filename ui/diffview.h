#pragma once

#include "git/gitdiff.h"

#include <QList>
#include <QWidget>

#include <optional>

class QStackedWidget;
class QSyntaxHighlighter;
class QLabel;

namespace ktx {

class DiffPane;
enum class SyntaxLanguage;

// One file's diff, unified or side by side: syntax colouring of the file's
// language, word-level changes inside modified line pairs, line numbers on
// both sides, and a bar on each hunk header with its state and Accept /
// Reject. The view only shows and asks: decisions go out as signals.
class DiffView : public QWidget
{
    Q_OBJECT

public:
    enum class Mode { Unified, SideBySide };
    // Beyond this many rows a diff is shown without syntax colouring:
    // QSyntaxHighlighter colours a whole document at once on the GUI thread.
    static constexpr int HighlightRowLimit = 20000;

    explicit DiffView(QWidget *parent = nullptr);

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    // Shows a message instead of a diff (no file, binary file, loading).
    void showMessage(const QString &message);
    void setDiff(const FileDiff &diff);
    const FileDiff &diff() const { return m_diff; }
    // Per hunk: the decision (nullopt: undecided) and whether it was refused before.
    void setHunkStates(const QList<std::optional<bool>> &states, const QList<bool> &refused,
                       bool decidable);
    // Read-only diffs (local edits, a commit): hunk bars say so and offer no
    // Accept/Reject buttons.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }
    int hunkCount() const { return int(m_diff.hunks.size()); }
    int currentHunk() const { return m_current; }
    void setCurrentHunk(int hunk);

    DiffPane *unifiedPane() const { return m_unified; }
    DiffPane *oldPane() const { return m_old; }
    DiffPane *newPane() const { return m_new; }

Q_SIGNALS:
    void decisionRequested(int hunk, bool accept);
    void currentHunkChanged(int hunk);

private:
    void rebuild();
    void refreshHeaders();
    QWidget *headerBar(int hunk, QWidget *reuse);
    DiffPane *decisionPane() const;

    Mode m_mode = Mode::Unified;
    FileDiff m_diff;
    bool m_hasDiff = false;
    QList<std::optional<bool>> m_states;
    QList<bool> m_refused;
    bool m_decidable = false;
    bool m_readOnly = false;
    int m_current = -1;
    QStackedWidget *m_stack;
    QLabel *m_message;
    DiffPane *m_unified;
    DiffPane *m_old;
    DiffPane *m_new;
    QWidget *m_sideBySide;
};

} // namespace ktx
