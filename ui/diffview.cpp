#include "ui/diffview.h"

#include "highlight/syntaxhighlighting.h"
#include "models/worddiff.h"
#include "ui/colorscheme.h"
#include "ui/diffpane.h"
#include "ui/elidedlabel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTextBlock>
#include <QToolButton>

namespace ktx {

namespace {

QString lineText(const DiffLine &line)
{
    QString text = QString::fromUtf8(line.text);
    while (text.endsWith(QLatin1Char('\n')) || text.endsWith(QLatin1Char('\r')))
        text.chop(1);
    return text;
}

struct Built
{
    QStringList text;
    QList<DiffRow> rows;
    void add(const QString &line, DiffRow row)
    {
        text << line;
        rows << std::move(row);
    }
};

// A run of removed lines followed by added lines: the i-th removed and the
// i-th added line are a modified pair and get word-level ranges.
void pairWords(const QList<QString> &removed, const QList<QString> &added,
               QList<QList<WordDiff::Range>> &oldWords, QList<QList<WordDiff::Range>> &newWords)
{
    oldWords = QList<QList<WordDiff::Range>>(removed.size());
    newWords = QList<QList<WordDiff::Range>>(added.size());
    const qsizetype pairs = std::min(removed.size(), added.size());
    for (qsizetype i = 0; i < pairs; ++i) {
        const WordDiff::Result r = WordDiff::compare(removed.at(i), added.at(i));
        // A line rewritten end to end reads better as plain -/+ than as one big stripe.
        if (r.oldRanges.size() == 1 && r.oldRanges.first().length == removed.at(i).size())
            continue;
        oldWords[i] = r.oldRanges;
        newWords[i] = r.newRanges;
    }
}

ElidedLabel *childLabel(QWidget *bar)
{
    return bar->findChild<ElidedLabel *>(QStringLiteral("hunkState"));
}

} // namespace

DiffView::DiffView(QWidget *parent)
    : QWidget(parent)
    , m_stack(new QStackedWidget)
    , m_message(new QLabel)
    , m_unified(new DiffPane(DiffPane::Numbers::Both))
    , m_old(new DiffPane(DiffPane::Numbers::Old))
    , m_new(new DiffPane(DiffPane::Numbers::New))
    , m_sideBySide(new QWidget)
{
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setForegroundRole(QPalette::PlaceholderText);
    m_unified->setObjectName(QStringLiteral("unifiedDiff"));
    m_old->setObjectName(QStringLiteral("oldDiff"));
    m_new->setObjectName(QStringLiteral("newDiff"));
    m_unified->setAccessibleName(tr("Unified diff"));
    m_old->setAccessibleName(tr("Old version"));
    m_new->setAccessibleName(tr("New version"));

    auto *sideLayout = new QHBoxLayout(m_sideBySide);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->setSpacing(2);
    sideLayout->addWidget(m_old, 1);
    sideLayout->addWidget(m_new, 1);
    // The two sides have the same rows: scroll them together.
    m_old->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_new->verticalScrollBar(), &QScrollBar::valueChanged, m_old->verticalScrollBar(),
            &QScrollBar::setValue);
    connect(m_old->verticalScrollBar(), &QScrollBar::valueChanged, m_new->verticalScrollBar(),
            &QScrollBar::setValue);
    connect(m_new->horizontalScrollBar(), &QScrollBar::valueChanged, m_old->horizontalScrollBar(),
            &QScrollBar::setValue);
    connect(m_old->horizontalScrollBar(), &QScrollBar::valueChanged, m_new->horizontalScrollBar(),
            &QScrollBar::setValue);

    m_stack->addWidget(m_message);
    m_stack->addWidget(m_unified);
    m_stack->addWidget(m_sideBySide);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    const auto factory = [this](int hunk, QWidget *reuse) {
        return headerBar(hunk, reuse);
    };
    m_unified->setHeaderFactory(factory);
    m_new->setHeaderFactory(factory);
    showMessage(tr("Select a file to see its changes."));
}

DiffPane *DiffView::decisionPane() const
{
    return m_mode == Mode::Unified ? m_unified : m_new;
}

void DiffView::setMode(Mode mode)
{
    if (m_mode == mode)
        return;
    m_mode = mode;
    rebuild();
}

void DiffView::showMessage(const QString &message)
{
    m_hasDiff = false;
    m_diff = {};
    m_current = -1;
    m_message->setText(message);
    m_stack->setCurrentWidget(m_message);
}

void DiffView::setDiff(const FileDiff &diff)
{
    m_diff = diff;
    m_hasDiff = true;
    m_current = diff.hunks.isEmpty() ? -1 : 0;
    m_states = QList<std::optional<bool>>(diff.hunks.size());
    m_refused = QList<bool>(diff.hunks.size(), false);
    rebuild();
}

void DiffView::rebuild()
{
    if (!m_hasDiff)
        return;
    if (m_diff.binary) {
        m_message->setText(
            tr("%1 is a binary file: it is accepted or rejected whole.").arg(m_diff.path));
        m_stack->setCurrentWidget(m_message);
        return;
    }
    if (m_diff.hunks.isEmpty()) {
        m_message->setText(
            tr("%1 has no line changes (an empty file or a mode change).").arg(m_diff.path));
        m_stack->setCurrentWidget(m_message);
        return;
    }
    const SyntaxLanguage language = syntaxLanguageForFileName(m_diff.path);
    Built unified, left, right;
    for (int h = 0; h < m_diff.hunks.size(); ++h) {
        const DiffHunk &hunk = m_diff.hunks.at(h);
        const QString header = hunk.header.trimmed();
        unified.add(header, {DiffRow::Kind::Header, h, 0, 0, {}});
        left.add(header, {DiffRow::Kind::Header, h, 0, 0, {}});
        // The new side's header row carries the Accept / Reject bar instead.
        right.add(QString(), {DiffRow::Kind::Header, h, 0, 0, {}});
        for (qsizetype i = 0; i < hunk.lines.size();) {
            const DiffLine &line = hunk.lines.at(i);
            if (line.kind == DiffLine::Kind::Context) {
                const QString text = lineText(line);
                unified.add(text, {DiffRow::Kind::Context, h, line.oldLine, line.newLine, {}});
                left.add(text, {DiffRow::Kind::Context, h, line.oldLine, 0, {}});
                right.add(text, {DiffRow::Kind::Context, h, 0, line.newLine, {}});
                ++i;
                continue;
            }
            QList<const DiffLine *> removed, added;
            while (i < hunk.lines.size() && hunk.lines.at(i).kind == DiffLine::Kind::Removed)
                removed << &hunk.lines.at(i++);
            while (i < hunk.lines.size() && hunk.lines.at(i).kind == DiffLine::Kind::Added)
                added << &hunk.lines.at(i++);
            QList<QString> removedText, addedText;
            for (const DiffLine *l : removed)
                removedText << lineText(*l);
            for (const DiffLine *l : added)
                addedText << lineText(*l);
            QList<QList<WordDiff::Range>> oldWords, newWords;
            pairWords(removedText, addedText, oldWords, newWords);
            for (qsizetype k = 0; k < removed.size(); ++k)
                unified.add(removedText.at(k),
                            {DiffRow::Kind::Removed, h, removed.at(k)->oldLine, 0, oldWords.at(k)});
            for (qsizetype k = 0; k < added.size(); ++k)
                unified.add(addedText.at(k),
                            {DiffRow::Kind::Added, h, 0, added.at(k)->newLine, newWords.at(k)});
            const qsizetype rows = std::max(removed.size(), added.size());
            for (qsizetype k = 0; k < rows; ++k) {
                if (k < removed.size())
                    left.add(
                        removedText.at(k),
                        {DiffRow::Kind::Removed, h, removed.at(k)->oldLine, 0, oldWords.at(k)});
                else
                    left.add(QString(), {DiffRow::Kind::Filler, h, 0, 0, {}});
                if (k < added.size())
                    right.add(addedText.at(k),
                              {DiffRow::Kind::Added, h, 0, added.at(k)->newLine, newWords.at(k)});
                else
                    right.add(QString(), {DiffRow::Kind::Filler, h, 0, 0, {}});
            }
        }
    }

    const auto fill = [this, language](DiffPane *pane, Built &built) {
        pane->setRows(built.text.join(QLatin1Char('\n')), std::move(built.rows));
        SyntaxHighlighting::attach(
            pane->document(),
            pane->rows().size() <= HighlightRowLimit ? language : SyntaxLanguage::PlainText,
            pane->palette());
    };
    if (m_mode == Mode::Unified) {
        fill(m_unified, unified);
        m_stack->setCurrentWidget(m_unified);
    } else {
        fill(m_old, left);
        fill(m_new, right);
        m_stack->setCurrentWidget(m_sideBySide);
    }
    setCurrentHunk(m_current);
}

void DiffView::setHunkStates(const QList<std::optional<bool>> &states, const QList<bool> &refused,
                             bool decidable)
{
    m_states = states;
    m_refused = refused;
    m_decidable = decidable;
    refreshHeaders();
}

void DiffView::setReadOnly(bool readOnly)
{
    if (readOnly == m_readOnly)
        return;
    m_readOnly = readOnly;
    refreshHeaders();
}

void DiffView::refreshHeaders()
{
    m_unified->relayoutHeaders();
    m_new->relayoutHeaders();
}

void DiffView::setCurrentHunk(int hunk)
{
    if (!m_hasDiff || hunk < 0 || hunk >= m_diff.hunks.size())
        return;
    const bool changed = hunk != m_current;
    m_current = hunk;
    for (DiffPane *pane : {m_unified, m_old, m_new})
        pane->setCurrentHunk(hunk);
    DiffPane *pane = decisionPane();
    const int block = pane->headerBlock(hunk);
    if (block >= 0) {
        // The header goes to the top, with a little context above when scrolling back.
        pane->verticalScrollBar()->setValue(std::max(0, block - 1));
        QTextCursor cursor(pane->document()->findBlockByNumber(block));
        pane->setTextCursor(cursor);
    }
    refreshHeaders();
    if (changed)
        Q_EMIT currentHunkChanged(hunk);
}

QWidget *DiffView::headerBar(int hunk, QWidget *reuse)
{
    QWidget *bar = reuse;
    if (!bar) {
        bar = new QWidget;
        bar->setObjectName(QStringLiteral("hunkBar"));
        // Opaque, in the header's colour: the bar may sit over the header's text.
        bar->setAutoFillBackground(true);
        auto *layout = new QHBoxLayout(bar);
        layout->setContentsMargins(4, 0, 4, 0);
        layout->setSpacing(4);
        // Elided, not clipped, when a narrow diff leaves the bar less than it asks.
        auto *state = new ElidedLabel;
        state->setObjectName(QStringLiteral("hunkState"));
        state->setElideMode(Qt::ElideLeft);
        // In the narrowest panes the buttons (whose checked state also says
        // the decision) keep their room and the label gives way entirely.
        state->setMinimumWidth(1);
        auto *accept = new QToolButton;
        accept->setObjectName(QStringLiteral("acceptHunk"));
        accept->setText(tr("Accept"));
        accept->setAutoRaise(true);
        accept->setFocusPolicy(Qt::NoFocus);
        auto *reject = new QToolButton;
        reject->setObjectName(QStringLiteral("rejectHunk"));
        reject->setText(tr("Reject"));
        reject->setAutoRaise(true);
        reject->setFocusPolicy(Qt::NoFocus);
        layout->addWidget(state);
        layout->addWidget(accept);
        layout->addWidget(reject);
        connect(accept, &QToolButton::clicked, this,
                [this, bar] { Q_EMIT decisionRequested(bar->property("hunk").toInt(), true); });
        connect(reject, &QToolButton::clicked, this,
                [this, bar] { Q_EMIT decisionRequested(bar->property("hunk").toInt(), false); });
    }
    bar->setProperty("hunk", hunk);
    QPalette barPalette = bar->palette();
    barPalette.setColor(QPalette::Window, DiffPane::headerColor(palette(), hunk == m_current));
    bar->setPalette(barPalette);
    const std::optional<bool> state = m_states.value(hunk);
    QString text = !state ? tr("undecided") : (*state ? tr("✓ accepted") : tr("✗ rejected"));
    if (m_refused.value(hunk))
        text = tr("⟲ rejected before · %1").arg(text);
    if (m_readOnly)
        text = tr("read-only");
    ElidedLabel *label = childLabel(bar);
    label->setText(text);
    QPalette pal = label->palette();
    const ReadinessState tone
        = !state ? ReadinessState::Warn : (*state ? ReadinessState::Ok : ReadinessState::Fail);
    pal.setColor(QPalette::WindowText,
                 m_readOnly ? ColorScheme::secondaryText(palette())
                            : ColorScheme::stateColor(tone, palette()));
    label->setPalette(pal);
    for (QToolButton *button : bar->findChildren<QToolButton *>()) {
        button->setEnabled(m_decidable && !m_readOnly);
        button->setVisible(!m_readOnly);
        const bool accept = button->objectName() == QLatin1String("acceptHunk");
        button->setToolTip(accept ? tr("Accept this hunk (A)") : tr("Reject this hunk (R)"));
        button->setCheckable(true);
        button->setToolTip(m_refused.value(hunk) && !accept
                               ? tr("Reject this hunk again (R); the same change was refused in "
                                    "an earlier review")
                               : button->toolTip());
        button->setChecked(state && *state == accept);
    }
    bar->adjustSize();
    return bar;
}

} // namespace ktx
