"""東雲銀行's incident history: fifteen past and present incidents, loaded through the incident
services with their own times, so the register, the reports, the close gate, the metrics and
the targets screens have something real to show (C01, C04, C05).

Times are relative to the load: each case is detected `days_ago` days before today (JST) at
a wall-clock time, and everything that happened afterwards is given in minutes from
detection. The services take those times (`at=`, `issued_at=`) and check their order, so
the history is validated like anything a user back-enters. Audit entries carry the real
time of the load: they record when the history was written, not when it happened.

Each case names the catalog item it makes visible. Three IB incidents within 30 days form
the cluster A1-I-18 warns about; one case is another bank's failure checked against our own
systems (A1-I-13); one is today's incident, still open, with its 第1報 sent. A case is
identified by its title: a later load skips it whatever day it runs on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from antei.core import clock
from antei.core.actor import Actor
from antei.incidents import services
from antei.incidents.models import Incident
from antei.kernels.bizcal import JST

H, D = 60, 1440  # minutes in an hour, in a day
ALL_ROLES = ("incident_commander", "management_liaison", "recovery_lead", "business_lead",
             "customer_pr_lead", "vendor_contact")


@dataclass(frozen=True)
class Case:
    """One incident as it happened. Minute offsets count from detection."""

    title: str
    rank: int
    detected: time
    days_ago: int = 0
    minutes_ago: int | None = None  # today's incident: detected this long before the load
    last_jan_2: bool = False  # detected on the most recent 2 January (A2-PERF-SET-5)
    systems: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    occurred_before: int = 0
    summary: str = ""
    profile: str = ""
    external: str = ""  # another institution's failure (A1-I-13)
    known_at: int = 0  # when `known` was learned (update_facts)
    known: services.FactChanges | None = None
    roles: tuple[str, ...] = ()  # people, in ALL_ROLES order ("" = nobody)
    roles_at: int = 10
    aware: tuple[int, str] | None = None
    instruction: tuple[int, str] | None = None
    reports: tuple[tuple[str, int], ...] = ()
    timeline: tuple[tuple[int, str, str], ...] = ()
    moves: tuple[tuple[str, int, str], ...] = ()  # (to, minute, reason)
    analysed_at: int = 0
    analysis: Mapping[str, str] | None = None
    actions: tuple[tuple[str, str, int], ...] = ()  # (what, owner, due days after detection)
    checks: tuple[tuple[str, str, str, str, str], ...] = ()  # system, scope, checker, result,
    # notes; results are recorded half a day after the analysis


def _analysis(phase: str, category: str, direct: str, root: str = "", **extra: str
              ) -> dict[str, str]:
    return {"injection_phase": phase, "cause_category": category, "direct_cause": direct,
            "root_cause": root, **extra}


_IPL = "稼働系・待機系のIPL情報が同一ストレージ筐体に格納されていないか"

CASES: tuple[Case, ...] = (
    # A2-OPS-PROC-1/-2: the month-end batch has 45 minutes to spare before online opens.
    Case("勘定系 月末追加バッチの遅延によるオンライン開始遅延", 1, time(6, 20), days_ago=510,
         systems=("CORE", "JOBS"),
         functions=("BF-DEPOSIT", "BF-ATM", "BF-BRANCH", "BF-FUNDS"), occurred_before=5,
         summary="月末・特異日追加バッチが6:15の終了予定を過ぎても完了せず、7:00のオンライン"
                 "開始（ATM・営業店・IB）に影響するおそれ。", profile="fsa_style",
         known_at=50, known={"impact_scope": "ATM全320台・営業店42店・IBの入出金と振込が"
                                             "7:00から取引不可",
                             "customer_impact": "開店直後の入出金・振込ができない",
                             "affected_count": 4800},
         roles=("B0201", "B1502", "B0103", "B0501", "B1601", "B0302"),
         aware=(25, "頭取・担当役員へ第1報を報告"),
         instruction=(35, "取引開始の遅延を店頭とホームページで告知するよう指示"),
         reports=(("first", 22), ("follow_up", 75), ("regulator_initial", 8 * H),
                  ("final", 6 * D), ("regulator_final", 20 * D)),
         timeline=((30, "action", "六連システムズと協議しジョブ多重度を上げて再開"),
                   (60, "communication", "ホームページに取引開始遅延のお知らせを掲載"),
                   (88, "fact", "追加バッチ完了。7:48にオンライン開始")),
         moves=(("recovered", 88, ""), ("closed", 25 * D, "")), analysed_at=5 * D,
         analysis=_analysis("operations", "capacity",
                            "月末の口座振替・給与振込の件数が前年比1.4倍となり、追加バッチが"
                            "想定より45分超過した",
                            "バッチ処理時間の見積りに取引量の伸びを反映する仕組みがなく、"
                            "オンライン開始までの余裕を超えた場合の再実行・縮退の手順もなかった"),
         actions=(("月末追加バッチの処理時間を取引量見通しから月次で再見積り", "B0103", 60),
                  ("オンライン開始遅延時の縮退運転手順を策定", "B0201", 90)),
         checks=(("FX", "為替日次締め・全銀翌日扱い送信の終了時刻の余裕", "B0104",
                  "not_affected", "余裕75分。月次の再見積りに追加"),
                 ("DDS", "口座振替引落処理の終了時刻の余裕", "B0202", "affected_fixed",
                  "余裕20分と判明。開始時刻を30分前倒し"))),
    # A2-OPS-MON-1: the standby's switchover program had stopped three weeks earlier.
    Case("ATM制御システム 待機系への切替失敗によるATM全台停止", 1, time(10, 14), days_ago=430,
         systems=("ATMC",), functions=("BF-ATM", "BF-DEPOSIT"), occurred_before=2,
         summary="ATM制御サーバ（稼働系）がハード障害で停止。待機系への自動切替が失敗し、"
                 "ATM全台が取引停止。", profile="fsa_style",
         known_at=40, known={"impact_scope": "当行ATM 320台（店舗内外）が全面停止",
                             "customer_impact": "入出金・振込・残高照会ができない。"
                                                "提携コンビニATMは利用可",
                             "affected_count": 2600},
         roles=("B0102", "B1502", "B0107", "B0701", "B1702", "V-KAE-01"),
         aware=(22, "頭取・担当役員へ報告"),
         instruction=(30, "提携コンビニATMの案内と店頭告知を指示"),
         reports=(("first", 20), ("follow_up", 70), ("regulator_initial", 6 * H),
                  ("final", 8 * D), ("regulator_final", 21 * D)),
         timeline=((35, "fact", "待機系の切替プログラムが約3週間前から停止していたと判明"),
                   (45, "action", "楓メカトロが待機系の切替プログラムを手動起動し切替を実施"),
                   (95, "fact", "全台で取引再開を確認")),
         moves=(("recovered", 95, ""), ("closed", 30 * D, "")), analysed_at=7 * D,
         analysis=_analysis("operations", "operations",
                            "稼働系サーバのメモリ障害で停止した際、待機系の切替プログラムが"
                            "停止していたため自動切替に失敗した",
                            "待機系はハードウェア状態のみを監視し、プログラムの稼働状態を"
                            "監視していなかった。切替プログラムの停止に3週間気付かなかった"),
         actions=(("待機系の切替関連プロセスをプロセス監視の対象に追加", "B0107", 30),
                  ("待機系の切替準備状態を日次で点検する手順を追加", "B0202", 45)),
         checks=(("CORE", "待機系（CORE-HOST01-S）の切替プログラムの監視", "B0103",
                  "not_affected", "プロセス監視済み"),
                 ("FX", "待機系（FX-AP01-S）の切替プログラムの監視", "B0104",
                  "affected_fixed", "監視対象外だったため追加"),
                 ("JOBS", "待機系（JOBS-MGR01-S）の切替プロセスの監視", "B0202",
                  "affected_fixed", "監視を追加"))),
    # A2-SWA-7: a counterparty's system replacement changed the data it sends.
    Case("為替システム 接続先の電文形式変更による受信処理の異常終了", 2, time(9, 5),
         days_ago=365, systems=("FX",), functions=("BF-FUNDS", "BF-PAYROLL"),
         occurred_before=3,
         summary="全銀システム経由で受信した被仕向振込の一部で形式エラーが発生し、為替システムの"
                 "受信処理が異常終了。",
         known_at=40, known={"impact_scope": "あかつき台銀行からの被仕向振込の入金処理が停止",
                             "settlement_impact": "当日中の入金記帳が遅延（資金決済は全銀で完了）",
                             "affected_count": 1100, "amount_yen": 385_000_000},
         roles=("B0102", "B1502", "B0104", "B0401", "", "B0302"),
         aware=(45, "担当役員へ報告"),
         reports=(("first", 35), ("follow_up", 120), ("final", 7 * D)),
         timeline=((50, "action", "該当電文を受信対象から一時除外し、他の受信処理を再開"),
                   (150, "action", "六連システムズが受信プログラムを暫定修正し保留分を再処理")),
         moves=(("mitigated", 55, ""), ("recovered", 190, ""), ("closed", 20 * D, "")),
         analysed_at=6 * D,
         analysis=_analysis("requirements", "external_connection",
                            "接続先のシステム更改でEDI情報欄の文字種が変わり、受信プログラムの"
                            "形式チェックで異常終了した",
                            "接続先のシステム変更について送信データ形式の変更有無を事前に確認する"
                            "手順がなく、影響調査は自行の変更時だけだった"),
         actions=(("接続先のシステム更改予定を管理し、形式変更の有無を事前確認する", "B0302", 45),
                  ("形式エラーの電文のみ保留して受信を継続する方式に改修", "V-MUT-03", 120)),
         checks=(("DDS", "収納委託元からの口座振替データの形式変更予定", "B0202",
                  "not_affected", "委託元の更改予定なし"),
                 ("CARD", "ほしぞらカードネットの電文仕様変更予定", "V-NAN-01",
                  "affected_fixed", "来期の仕様変更を確認し対応済み"),
                 ("FOREX", "SWIFT電文の形式改定の影響", "B0902", "pending", ""))),
    # A2-PERF-CAP-2: CPU was watched, the log area was not.
    Case("スマートフォンアプリ基盤 ログ領域の満杯によるAPI停止", 2, time(20, 40), days_ago=290,
         systems=("MOBILE", "IB"), functions=("BF-IB",), occurred_before=8,
         summary="新機能リリース後、アプリのAPIサーバが応答停止。CPU使用率は30%台で余裕あり。",
         known_at=30, known={"impact_scope": "アプリのログイン・残高照会・振込が不可"
                                             "（IBブラウザ版は利用可）",
                             "customer_impact": "アプリ利用者にエラー表示", "affected_count": 3400},
         roles=("B0801", "", "B0106", "", "B1602", "V-SOR-01"),
         aware=(35, "担当役員へ報告"),
         reports=(("first", 25), ("follow_up", 80), ("final", 5 * D)),
         timeline=((40, "fact", "ログ領域（/var/log）が100%。CPU・メモリは正常"),
                   (55, "action", "そらまどデジタルが旧ログを退避して領域を確保し、APIを再起動")),
         moves=(("recovered", 70, ""), ("closed", 14 * D, "")), analysed_at=4 * D,
         analysis=_analysis("operations", "capacity",
                            "新機能のデバッグログ出力が本番でも有効で、ログ領域が満杯になり"
                            "APIが停止した",
                            "監視項目がCPU使用率だけでディスク・ログ領域が監視対象外だった。"
                            "新サービス開始時に監視の網羅性を確認していなかった"),
         actions=(("MOBILE・IB・CIBのディスク使用率監視（80%で警告）を追加", "V-SOR-01", 30),
                  ("新サービス開始チェックリストに監視項目の網羅性確認を追加", "B0106", 60)),
         checks=(("IB", "ログ領域の使用率監視", "V-SOR-02", "affected_fixed", "監視を追加"),
                 ("CIB", "ログ領域の使用率監視", "V-SOR-02", "affected_fixed", "監視を追加"),
                 ("NOTIFY", "ログ領域の使用率監視", "V-SOR-02", "not_affected", "監視済み"))),
    # A2-PERF-SET-5: "holiday" without service is the default; 2 January needed service.
    Case("ATM 1月2日の稼働日設定誤りによるATM停止", 2, time(7, 10), last_jan_2=True,
         systems=("ATMC",), functions=("BF-ATM",), occurred_before=10,
         summary="1月2日の朝、店舗外を含むATMが7:00に起動せず取引不可。",
         known_at=30, known={"impact_scope": "ATM全320台が取引開始時刻に起動せず",
                             "customer_impact": "正月期間の現金引出しができない",
                             "affected_count": 900},
         roles=("B0201", "", "B0107", "B0702", "B1601", "V-KAE-01"),
         aware=(30, "担当役員へ報告"),
         reports=(("first", 20), ("follow_up", 70), ("final", 4 * D)),
         timeline=((25, "fact", "1月2日が「休日」で登録され、「休日」の既定値が"
                                "「サービス停止」だったと判明"),
                   (40, "action", "稼働日区分を「休日（稼働）」に変更し、ATMを順次起動")),
         moves=(("recovered", 65, ""), ("closed", 12 * D, "")), analysed_at=3 * D,
         analysis=_analysis("operations", "settings_limits",
                            "1月2日を「休日（稼働）」ではなく「休日」と設定し、既定値の"
                            "「サービス停止」が適用された",
                            "パラメータの既定値の意味を把握しておらず、業務部門が承認した"
                            "サービス日カレンダーとの突合もなかった"),
         actions=(("ATM稼働日設定を承認済みサービス日カレンダーと突合する手順を追加", "B0702", 30),
                  ("主要パラメータの既定値と意味をパラメータ台帳に登録", "V-KAE-01", 60)),
         checks=(("CARD", "デビット・キャッシュカードの休日稼働設定", "V-NAN-01",
                  "not_affected", ""),
                 ("IB", "年末年始のサービス時間設定", "V-SOR-01", "not_affected", ""))),
    # A2-SWA-8: the daily sequence number passed 99,999 and started again from 1.
    Case("法人IB 総合振込の日次受付番号あふれによる受付停止", 2, time(14, 32), days_ago=215,
         systems=("CIB",), functions=("BF-PAYROLL", "BF-FUNDS"), occurred_before=2,
         summary="給与振込の集中日の午後、総合振込ファイルの受付で重複エラーが多発し受付が停止。",
         profile="fsa_style",
         known_at=45, known={"impact_scope": "法人IBの総合振込・給与振込の新規受付が停止",
                             "customer_impact": "当日扱いの給与振込 約180社分の受付が遅延",
                             "settlement_impact": "当日中の全銀送信に間に合わないおそれ",
                             "affected_count": 180, "amount_yen": 1_240_000_000},
         roles=("B0102", "B1502", "B0106", "B0401", "B1702", "V-SOR-01"),
         aware=(25, "担当役員・経営企画部長へ報告"),
         instruction=(40, "当日扱いを優先し、取引先へ個別に連絡するよう指示"),
         reports=(("first", 18), ("follow_up", 90), ("regulator_initial", 150),
                  ("final", 6 * D), ("regulator_final", 14 * D)),
         timeline=((35, "fact", "日次受付番号が上限99,999を超えて1に戻り、既存番号と重複"),
                   (60, "action", "受付番号の桁を暫定拡張して受付を再開"),
                   (150, "action", "保留分を当日扱いで全銀へ送信完了")),
         moves=(("mitigated", 65, ""), ("recovered", 155, ""), ("closed", 21 * D, "")),
         analysed_at=5 * D,
         analysis=_analysis("design", "settings_limits",
                            "総合振込の日次受付番号が上限99,999を超えて1に戻り、重複エラーで"
                            "受付が停止した",
                            "上限値を管理し見直す仕組みがなく、上限超過時の動作もテストして"
                            "いなかった（取引量は導入時の3倍）"),
         actions=(("システム上限値の台帳を作り、使用率70%・85%で警告する", "B0302", 60),
                  ("上限超過でも受付を止めない採番方式へ改修", "V-SOR-01", 120)),
         checks=(("FX", "為替の日次通番の上限と使用率", "B0104", "not_affected", "使用率35%"),
                 ("DDS", "口座振替の日次通番の上限と使用率", "B0202", "affected_fixed",
                  "使用率82%。桁を拡張"))),
    # A1-I-14: an EUC workbook carries critical work and was outside incident reporting.
    Case("為替集計表（EUC）マクロ異常による振込の再送遅延", 2, time(15, 40), days_ago=150,
         systems=("FX-EUC", "FX"), functions=("BF-FUNDS",), occurred_before=30,
         summary="為替集計表マクロで作成する再送データが途中までしか作成されず、未送信振込の"
                 "再送が遅延。",
         known_at=60, known={"impact_scope": "未送信振込の再送が当日の締めに間に合わない",
                             "customer_impact": "当日着金予定の振込が翌営業日扱いに",
                             "affected_count": 420, "amount_yen": 96_500_000},
         roles=("B0401", "", "B0104", "B0402", "B1702", ""),
         aware=(55, "担当役員へ報告"),
         reports=(("first", 40), ("final", 5 * D)),
         timeline=((50, "fact", "マクロが旧形式の行数上限（65,536行）で処理を打ち切っていた"
                                "（作成者の吉田課長が特定）"),
                   (80, "action", "残りの再送データを手作業で作成し送信")),
         moves=(("recovered", 150, ""), ("closed", 18 * D, "")), analysed_at=4 * D,
         analysis=_analysis("build", "euc",
                            "為替集計表マクロが旧形式の行数上限で処理を打ち切り、再送データの"
                            "一部が作成されなかった",
                            "重要業務を担うEUCが障害報告・変更管理・テストの対象外で、作成者"
                            "以外は保守できなかった"),
         actions=(("為替集計表をシステム部の管理対象とし、為替システムへの機能移行を計画",
                   "B0102", 180),
                  ("EUCを重要度で棚卸しし、障害報告の対象に加える", "B1202", 60)),
         checks=(("LOAN-EUC", "金利計算表マクロの行数・桁数の上限", "B0602", "affected_open",
                  "上限の前提が文書化されていない。調査中"),)),
    # A2-OPS-REL-5: the library registration named the wrong attributes.
    Case("勘定系 修正プログラムの登録誤りによる利息計算の旧ロジック稼働", 3, time(9, 30),
         days_ago=70, systems=("CORE",), functions=("BF-DEPOSIT",), occurred_before=210,
         summary="夜間に登録した修正プログラムが稼働せず、普通預金の利息計算で旧ロジックが"
                 "動いていることを朝の検証で検知。",
         known_at=30, known={"impact_scope": "当日分の利息計算結果（顧客への記帳前に検知）",
                             "customer_impact": "なし（記帳前に訂正）"},
         roles=("B0102", "", "B0103", "", "", "V-MUT-02"),
         reports=(("first", 60), ("final", 4 * D)),
         timeline=((45, "fact", "本番ライブラリ登録で属性情報を誤指定し、別のモジュールが実行"
                                "されていたと判明"),
                   (90, "action", "正しい属性で再登録し、利息計算を再実行")),
         moves=(("recovered", 120, ""), ("closed", 10 * D, "")), analysed_at=3 * D,
         analysis=_analysis("release", "release",
                            "修正プログラムの本番ライブラリ登録で属性情報を誤指定し、旧版の"
                            "モジュールが実行された",
                            "登録手順に属性情報の指定方法がなく、登録結果をリリース内容と照合する"
                            "仕組みもなかった"),
         actions=(("リリース時にマニフェストと登録結果を自動照合し証跡を残す", "V-MUT-01", 60),
                  ("ライブラリ登録手順書に属性情報の指定欄を追加", "B0103", 30)),
         checks=(("FX", "為替システムのライブラリ登録手順", "V-MUT-03", "affected_fixed",
                  "手順書を改訂"),
                 ("BRT", "営業店端末のプログラム配信手順", "B0106", "not_affected", ""))),
    Case("DWH 日次ロードの遅延（自動リトライで回復）", 4, time(6, 40), days_ago=45,
         systems=("DWH",), occurred_before=10,
         summary="DWH日次ロードが6:30の終了予定を超過。自動リトライで7:25に完了。業務影響なし。",
         roles=("B0202",), reports=(("first", 120), ("final", 3 * D)),
         moves=(("recovered", 45, ""), ("closed", 7 * D, "")), analysed_at=2 * D,
         analysis=_analysis("operations", "capacity",
                            "情報系からの取込ファイルの到着が遅れ、DWHロードが待ち合わせ後に"
                            "再実行された",
                            "情報系の夜間取込の終了とDWHロード開始の間に余裕がなく、取込遅延時の"
                            "待ち合わせ設計がなかった",
                            horizontal_not_applicable="時刻起動の連携は他になく、"
                                                      "ジョブスケジューラで管理済み"),
         actions=(("DWHロードを情報系取込の完了で起動する方式に変更", "V-SUI-01", 45),)),
    # A1-I-13 / A2-HW-3: another bank's failure, checked against our own systems.
    Case("他行 勘定系ストレージ障害による終日オンライン停止（さざなみ銀行）", 1, time(8, 0),
         days_ago=100, external="さざなみ銀行（他行）", occurred_before=90,
         summary="他行で勘定系のストレージ装置が故障し、稼働系・待機系とも起動できず終日停止。"
                 "両系のIPL情報を同一筐体に格納していたと同行が公表。",
         roles=("B1202",),
         timeline=((120, "decision", "当行の類似構成を水平展開で確認すると決定（リスク統括部）"),),
         moves=(("recovered", 14 * H, "同行のオンライン再開を確認"),), analysed_at=3 * D,
         analysis=_analysis("design", "hardware",
                            "ストレージ装置の故障で稼働系・待機系ともIPLできなかった",
                            "両系のIPL情報を同一のストレージ筐体に格納し、単一障害点になって"
                            "いた"),
         actions=(("CORE-STG01のIPL情報を第2センターの別筐体へ分離", "B0103", 180),),
         checks=(("CORE", _IPL, "B0103", "affected_open",
                  "CORE-STG01に両系のIPL情報を格納。分離を計画中"),
                 ("FX", _IPL, "B0104", "not_affected", "両系で別筐体"),
                 ("BOJ", _IPL, "B0105", "not_affected", ""))),
    # A2-PERF-CAP-5: a campaign nobody told the system side about. First of the IB cluster.
    Case("IB 定期預金キャンペーン開始に伴うアクセス集中でレスポンス悪化", 2, time(9, 5),
         days_ago=20, systems=("IB",), functions=("BF-IB",), occurred_before=5,
         summary="定期預金の金利優遇キャンペーン開始直後からIBの応答が悪化し、タイムアウトが多発。",
         known_at=35, known={"impact_scope": "個人IBのログイン・定期預金申込の約4割が"
                                             "タイムアウト",
                             "customer_impact": "申込のエラーと待ち時間。コールセンターへの"
                                                "問合せが急増",
                             "affected_count": 5200},
         roles=("B0801", "", "V-SOR-01", "B0802", "B1702", "B0302"),
         aware=(30, "担当役員へ報告"),
         instruction=(45, "キャンペーン告知メールの配信を一時停止するよう指示"),
         reports=(("first", 22), ("follow_up", 90), ("final", 5 * D)),
         timeline=((40, "action", "そらまどデジタルがアプリケーション層を臨時増強"),
                   (60, "action", "キャンペーン告知メールの追加配信を停止")),
         moves=(("mitigated", 75, ""), ("recovered", 200, ""), ("closed", 10 * D, "")),
         analysed_at=4 * D,
         analysis=_analysis("requirements", "capacity",
                            "キャンペーン開始でアクセスが平常時の6倍となり、アプリケーション層の"
                            "処理能力を超えた",
                            "キャンペーン計画がシステム部門・委託先の取引量見通しに連携されず、"
                            "事前の能力確認がなかった"),
         actions=(("キャンペーン・新商品の計画を取引量見通しとシステム影響確認に連携",
                   "B0802", 30),
                  ("IBにピーク時の流量制限を設定", "V-SOR-01", 45)),
         checks=(("CIB", "賞与時期の給与振込の集中に対する処理能力", "B0106", "not_affected", ""),
                 ("MOBILE", "キャンペーン時のアプリ基盤の処理能力", "V-SOR-02",
                  "affected_fixed", "オートスケールの上限を引き上げ"))),
    # Second of the cluster: recovered, root cause still open, so it cannot close (A1-I-12).
    Case("IB ワンタイムパスワード認証の遅延", 3, time(12, 10), days_ago=12,
         systems=("AUTH", "IB"), functions=("BF-IB",), occurred_before=15,
         summary="IBログイン時のワンタイムパスワード検証が遅延し、ログインに数分かかる。",
         known_at=40, known={"impact_scope": "IB・アプリのログイン全般（認証に最大3分）",
                             "affected_count": 1800},
         roles=("B0801", "", "V-SOR-01"),
         reports=(("first", 45),),
         timeline=((60, "fact", "認証基盤が参照する証明書失効リストの配布先の応答遅延が原因"),
                   (100, "action", "参照先を副系へ切替")),
         moves=(("recovered", 130, ""),), analysed_at=3 * D,
         analysis=_analysis("operations", "vendor",
                            "認証基盤が参照する外部の証明書失効リスト配布先が応答遅延した")),
    # Third of the cluster: a vendor's configuration change outside our change control.
    Case("IB 振込確認画面のエラー（委託先クラウドの設定変更）", 3, time(19, 30), days_ago=5,
         systems=("IB",), functions=("BF-IB",), occurred_before=20,
         summary="委託先クラウドの設定変更後、IBの振込確認画面で一部の利用者にエラー表示。",
         known_at=30, known={"impact_scope": "IBの振込確認画面（一部のブラウザ利用者）",
                             "affected_count": 260},
         roles=("B0801", "", "V-SOR-02", "", "", "B0302"),
         reports=(("first", 50), ("final", 3 * D)),
         timeline=((70, "fact", "夕方のCDN設定変更（キャッシュ規則）が原因と判明"),
                   (120, "action", "そらまどデジタルが設定を切り戻し")),
         moves=(("recovered", 140, ""),), analysed_at=2 * D,
         analysis=_analysis("release", "vendor",
                            "委託先がCDNのキャッシュ規則を変更し、振込確認画面のスクリプトが"
                            "古い版で配信された",
                            "委託先の本番設定変更が当行の変更管理の対象外で、事前の連絡と"
                            "影響確認がなかった"),
         actions=(("委託先の本番設定変更を事前連絡・当行承認の対象にする", "B0302", 60),),
         checks=(("CIB", "委託先クラウドの設定変更の事前連絡", "V-SOR-01", "pending", ""),)),
    # A false alarm: cancelled, so it counts towards no target and no cluster.
    Case("統合運用監視 勘定系応答なしアラート（誤検知）", 3, time(3, 15), days_ago=9,
         systems=("MON",), summary="監視から勘定系の応答なしアラート。",
         roles=("B0203",),
         moves=(("cancelled", 25, "監視側の閾値設定変更による誤検知。勘定系は正常稼働"),)),
    # Today's incident, in progress: first report out with unknowns, a 続報 after the impact
    # became known, roles not all named yet (A1-II-1 warnings), regulator clock running.
    Case("勘定系 オンライン応答の遅延（対応中）", 2, time(0, 0), minutes_ago=55,
         systems=("CORE",), functions=("BF-DEPOSIT", "BF-BRANCH", "BF-ATM"),
         occurred_before=4, profile="fsa_style",
         summary="勘定系のオンライン応答が平常の5倍に悪化。営業店端末・ATMの取引に時間がかかる。",
         known_at=40, known={"impact_scope": "営業店端末・ATMの入出金（応答に10〜20秒）"},
         roles=("B0201", "", "B0103"), roles_at=8,
         aware=(22, "担当役員へ第1報を報告"),
         reports=(("first", 15), ("follow_up", 45)),
         timeline=((30, "action", "六連システムズと原因調査を開始（DBのロック待ちを確認中）"),)),
)

# Targets (M-2.6, A1-I-18): a monthly total, a half-year cap on the worst rank, and a cap on
# the core system on its own.
TARGETS: tuple[dict[str, Any], ...] = (
    {"period": "month", "cap": 3, "scope": "overall", "scope_value": "",
     "measures": "変更管理の強化と監視項目の網羅性確認"},
    {"period": "half", "cap": 1, "scope": "rank", "scope_value": "1",
     "measures": "待機系の切替準備状態の日次点検、バッチ時間の月次再見積り"},
    {"period": "half", "cap": 1, "scope": "system", "scope_value": "CORE",
     "measures": "リリース照合の自動化、勘定系の性能監視の強化"},
)


def existing_titles() -> set[str]:
    return set(Incident.objects.values_list("title", flat=True))


def detection_time(case: Case, now: datetime) -> datetime:
    """When `case` was detected, counted back from `now` (see the module docstring)."""
    if case.minutes_ago is not None:
        return (now - timedelta(minutes=case.minutes_ago)).replace(second=0, microsecond=0)
    today = now.astimezone(JST).date()
    if case.last_jan_2:
        # The most recent 2 January whose incident had time to close before today.
        day = date(today.year, 1, 2)
        day = day if day + timedelta(days=30) < today else date(today.year - 1, 1, 2)
    else:
        day = today - timedelta(days=case.days_ago)
    return datetime.combine(day, case.detected, tzinfo=JST)


def create(*, actor: Actor, case: Case, now: datetime | None = None) -> Incident:
    """Open `case` and replay its history in time order through the services."""
    detected = detection_time(case, now or clock.now())
    incident = services.open_incident(
        actor=actor, title=case.title, rank=case.rank, systems=case.systems,
        business_functions=case.functions, detected_at=detected,
        occurred_at=detected - timedelta(minutes=case.occurred_before)
        if case.occurred_before else None,
        summary=case.summary, regulator_profile=case.profile,
        is_external=bool(case.external), external_institution=case.external)
    pk = incident.pk

    def t(minutes: int) -> datetime:
        return detected + timedelta(minutes=minutes)

    steps: list[tuple[int, Callable[[], object]]] = []
    if case.known:
        steps.append((case.known_at, partial(
            services.update_facts, actor=actor, incident_id=pk, changes=case.known,
            note="影響範囲が判明", at=t(case.known_at))))
    for role, person in zip(ALL_ROLES, case.roles, strict=False):
        if person:
            steps.append((case.roles_at, partial(
                services.assign_role, actor=actor, incident_id=pk, role=role, person=person,
                at=t(case.roles_at))))
    for milestone, spec in (("management_aware", case.aware),
                            ("first_instruction", case.instruction)):
        if spec is not None:
            steps.append((spec[0], partial(
                services.record_milestone, actor=actor, incident_id=pk, milestone=milestone,
                at=t(spec[0]), note=spec[1])))
    for kind, minute in case.reports:
        steps.append((minute, partial(services.issue_report, actor=actor, incident_id=pk,
                                      kind=kind, issued_at=t(minute))))
    for minute, kind, text in case.timeline:
        steps.append((minute, partial(services.add_timeline_entry, actor=actor,
                                      incident_id=pk, kind=kind, text=text, at=t(minute))))
    for to, minute, reason in case.moves:
        steps.append((minute, partial(services.transition, actor=actor, incident_id=pk,
                                      to=to, reason=reason, at=t(minute))))
    if case.analysis is not None:
        steps.append((case.analysed_at, partial(_analyse, actor, pk, case, t)))
    steps.sort(key=lambda step: step[0])  # stable: same-minute steps keep their order
    for _minute, step in steps:
        step()
    return incident


def _analyse(actor: Actor, pk: int, case: Case, t: Callable[[int], datetime]) -> None:
    """Cause analysis, recurrence actions and 水平展開 with their results (A1-I-12, C05)."""
    services.record_cause_analysis(actor=actor, incident_id=pk, **dict(case.analysis or {}))
    for title, owner, due_days in case.actions:
        services.add_recurrence_action(actor=actor, incident_id=pk, title=title, owner=owner,
                                       due_on=t(due_days * D).astimezone(JST).date())
    for system, scope, checker, result, notes in case.checks:
        check = services.add_horizontal_check(actor=actor, incident_id=pk, system=system,
                                              scope=scope, checker=checker)
        if result != "pending":
            services.record_horizontal_result(actor=actor, check_id=check.pk, result=result,
                                              notes=notes, at=t(case.analysed_at + D // 2))
