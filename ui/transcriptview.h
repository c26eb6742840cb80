#pragma once

#include <QTextBrowser>

namespace ktx {

class RunEventModel;
struct IngestEvent;

// The transcript of one work unit (or of the run itself when the unit key is
// empty): model messages, tool calls with input and output, write decisions,
// gate findings, in event order. It follows the model: events added for the
// shown unit are appended at the end, nothing already shown is re-rendered.
class TranscriptView : public QTextBrowser
{
    Q_OBJECT

public:
    explicit TranscriptView(QWidget *parent = nullptr);

    void setModel(RunEventModel *model);
    void showUnit(const QString &unitKey);
    QString unitKey() const { return m_unitKey; }
    int shownEventCount() const { return m_shown; }

    // One event as an HTML block (escaped); public for tests and reuse.
    static QString eventHtml(const IngestEvent &event);

private:
    void rebuild();
    void appendEvents(int first, int count);

    RunEventModel *m_model = nullptr;
    QString m_unitKey;
    int m_shown = 0;
};

} // namespace ktx
