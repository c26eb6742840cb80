#pragma once

#include "review/runreview.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;

namespace ktx {

// Why a hunk exists: the work unit and tool call that wrote it, the call's
// input (pretty JSON) and output, the raw evidence the unit cited (activating
// one asks to open it), gate findings on the file, and an earlier refusal of
// the same change.
class ProvenancePanel : public QWidget
{
    Q_OBJECT

public:
    explicit ProvenancePanel(QWidget *parent = nullptr);

    // loaded false: the run's provenance is still being read.
    void showHunk(const ReviewFile &file, int hunk, const QString &rejectionNote, bool loaded);
    void clear(const QString &message);

    QLabel *unitLabel() const { return m_unit; }
    QPlainTextEdit *inputView() const { return m_input; }
    QPlainTextEdit *outputView() const { return m_output; }
    QListWidget *evidenceList() const { return m_evidence; }
    QListWidget *gateList() const { return m_gates; }
    QLabel *rejectionLabel() const { return m_rejection; }

Q_SIGNALS:
    // A cited raw path with the 1-based line range when known (0 when not).
    void evidenceActivated(const QString &path, int firstLine, int lastLine);

private:
    QLabel *m_title;
    QLabel *m_unit;
    QLabel *m_tool;
    QLabel *m_rejection;
    QPlainTextEdit *m_input;
    QPlainTextEdit *m_output;
    QListWidget *m_evidence;
    QListWidget *m_gates;
};

} // namespace ktx
