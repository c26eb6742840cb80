#include "ui/provenancepanel.h"

#include "highlight/syntaxhighlighting.h"
#include "ui/colorscheme.h"

#include <QFontDatabase>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace ktx {

namespace {

QLabel *heading(const QString &text)
{
    auto *label = new QLabel(text);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

// "path:12-30", "path#L12-L30" or "path:12": the path and its line range.
void splitRange(const QString &cited, QString *path, int *first, int *last)
{
    static const QRegularExpression range(QStringLiteral("^(.*?)(?::|#L)(\\d+)(?:-L?(\\d+))?$"));
    const QRegularExpressionMatch m = range.match(cited);
    if (!m.hasMatch()) {
        *path = cited;
        *first = *last = 0;
        return;
    }
    *path = m.captured(1);
    *first = m.captured(2).toInt();
    *last = m.captured(3).isEmpty() ? *first : m.captured(3).toInt();
}

} // namespace

ProvenancePanel::ProvenancePanel(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel)
    , m_unit(new QLabel)
    , m_tool(new QLabel)
    , m_rejection(new QLabel)
    , m_input(new QPlainTextEdit)
    , m_output(new QPlainTextEdit)
    , m_evidence(new QListWidget)
    , m_gates(new QListWidget)
{
    setObjectName(QStringLiteral("provenancePanel"));
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (QPlainTextEdit *view : {m_input, m_output}) {
        view->setReadOnly(true);
        view->setFont(fixed);
        view->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    }
    m_input->setAccessibleName(tr("Tool call input"));
    m_output->setAccessibleName(tr("Tool call output"));
    m_evidence->setAccessibleName(tr("Cited evidence"));
    m_gates->setAccessibleName(tr("Gate findings"));
    SyntaxHighlighting::attach(m_input->document(), SyntaxLanguage::Json, m_input->palette());
    for (QLabel *label : {m_title, m_unit, m_tool, m_rejection}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    QFont title = m_title->font();
    title.setBold(true);
    title.setPointSizeF(title.pointSizeF() * 1.1);
    m_title->setFont(title);
    m_rejection->setAutoFillBackground(true);
    m_rejection->setMargin(6);
    m_evidence->setToolTip(tr("Double-click or press Enter to open the file at the cited lines"));
    connect(m_evidence, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT evidenceActivated(item->data(Qt::UserRole).toString(),
                                 item->data(Qt::UserRole + 1).toInt(),
                                 item->data(Qt::UserRole + 2).toInt());
    });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_title);
    layout->addWidget(m_rejection);
    layout->addWidget(m_unit);
    layout->addWidget(m_tool);
    layout->addWidget(heading(tr("Tool input")));
    layout->addWidget(m_input, 3);
    layout->addWidget(heading(tr("Tool output")));
    layout->addWidget(m_output, 1);
    layout->addWidget(heading(tr("Cited evidence")));
    layout->addWidget(m_evidence, 1);
    layout->addWidget(heading(tr("Gate findings on this file")));
    layout->addWidget(m_gates, 1);
    clear(tr("Select a hunk to see who wrote it and why."));
}

void ProvenancePanel::clear(const QString &message)
{
    m_title->setText(tr("Provenance"));
    m_unit->setText(message);
    m_tool->clear();
    m_rejection->hide();
    m_input->clear();
    m_output->clear();
    m_evidence->clear();
    m_gates->clear();
}

void ProvenancePanel::showHunk(const ReviewFile &file, int hunk, const QString &rejectionNote,
                               bool loaded)
{
    if (!loaded) {
        clear(tr("Reading the run's provenance…"));
        m_title->setText(tr("Hunk %1").arg(hunk + 1));
        return;
    }
    if (hunk < 0 || hunk >= file.hunks.size()) {
        clear(file.diff.binary ? tr("A binary file has no hunks.") : tr("No hunk selected."));
        return;
    }
    const ReviewHunk &h = file.hunks.at(hunk);
    const HunkProvenance &p = h.provenance;
    m_title->setText(tr("Hunk %1 of %2 · %3")
                         .arg(hunk + 1)
                         .arg(file.hunks.size())
                         .arg(h.hunk.header.section(QStringLiteral("@@"), 1, 1).trimmed()));
    if (p.unitKey.isEmpty()) {
        m_unit->setText(tr("No tool call of this run is known to have written this hunk (the "
                           "run has no event log, or the change came from a deterministic "
                           "step)."));
        m_tool->clear();
        m_input->clear();
        m_output->clear();
    } else {
        m_unit->setText(tr("Unit: <b>%1</b>").arg(p.unitKey.toHtmlEscaped()));
        m_tool->setText(tr("Tool call: <b>%1</b> <span style='color:%3'>%2</span>")
                            .arg(p.tool.toHtmlEscaped(), p.toolCallId.toHtmlEscaped(),
                                 ColorScheme::secondaryText(palette()).name()));
        m_input->setPlainText(
            QString::fromUtf8(QJsonDocument(p.input).toJson(QJsonDocument::Indented)));
        m_output->setPlainText(p.output.isEmpty() ? tr("(no output)") : p.output);
    }
    m_evidence->clear();
    for (const QString &cited : p.rawPaths) {
        QString path;
        int first = 0, last = 0;
        splitRange(cited, &path, &first, &last);
        auto *item = new QListWidgetItem(cited, m_evidence);
        item->setToolTip(tr("Open %1 from the run's branch").arg(path));
        item->setData(Qt::UserRole, path);
        item->setData(Qt::UserRole + 1, first);
        item->setData(Qt::UserRole + 2, last);
    }
    if (p.rawPaths.isEmpty())
        new QListWidgetItem(tr("(no raw evidence cited)"), m_evidence);
    m_gates->clear();
    for (const QJsonValue &finding : file.gateFindings) {
        const QJsonObject f = finding.toObject();
        new QListWidgetItem(tr("%1 %2: %3")
                                .arg(f.value(QStringLiteral("kind")).toString(),
                                     f.value(QStringLiteral("action")).toString(),
                                     f.value(QStringLiteral("target")).toString()),
                            m_gates);
    }
    if (file.gateFindings.isEmpty())
        new QListWidgetItem(tr("(none)"), m_gates);
    if (h.previouslyRejected) {
        QPalette pal = m_rejection->palette();
        pal.setColor(QPalette::Window,
                     ColorScheme::stateTint(ReadinessState::Warn, palette(), 0.18));
        pal.setColor(QPalette::WindowText, palette().color(QPalette::Text));
        m_rejection->setPalette(pal);
        m_rejection->setText(
            tr("⟲ Previously rejected: the same change was refused in an earlier review. %1")
                .arg(rejectionNote));
        m_rejection->show();
    } else {
        m_rejection->hide();
    }
}

} // namespace ktx
