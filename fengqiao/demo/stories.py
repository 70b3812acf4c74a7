"""The seed page's stories (see SCENARIOS.md) as matters with their real dates and full timelines.

Names are as printed in the paper. Where the paper gives no date (the wrong-way rider: “近日”) a plausible one
is chosen; the repeat calls of 刘某 and 张某 are placed about three months back, within one month of each other,
so that their mediation (fengqiao/demo/mediation.py) has the weeks it took before today.
"""

import datetime as dt
from dataclasses import replace

from fengqiao.demo.papers import Paper
from fengqiao.demo.residents import id_number
from fengqiao.demo.script import (
    Act,
    Move,
    Story,
    accept,
    archive,
    assign,
    at,
    call_back,
    days_before,
    resolve,
    start,
)
from fengqiao.matters.domain.registration import PartyInput, Registration
from fengqiao.matters.models import ActionKind, Channel, Kind, PartyRole, Priority, Satisfaction

VISIT = ActionKind.VISIT
CALL = ActionKind.PHONE_CALL
COORDINATION = ActionKind.COORDINATION
INQUIRY = ActionKind.INQUIRY_RECORD
DOCUMENT = ActionKind.DOCUMENT
NOTE = ActionKind.NOTE
SATISFIED = Satisfaction.SATISFIED
XINJI = "130181"  # 辛集市
BOTOU = "130981"  # 泊头市
BEIJING = "110105"  # 北京市朝阳区

LIU_ZHANG_LAST_CALL = 62  # days before the demo is loaded
# Homes of the stories that no matter is registered at: 张某's flat above 刘某's (the mediation's facts).
OTHER_HOMES = frozenset({"东港豪庭小区12号楼1单元402室"})
LAOLI = PartyInput("老李", PartyRole.REPORTER, "13931102846", id_number(XINJI, dt.date(1968, 3, 15), 311))
LIU_MOU = PartyInput("刘某", PartyRole.REPORTER, "15903171265", id_number(BOTOU, dt.date(1975, 6, 2), 215))
ZHANG_MOU = PartyInput("张某", PartyRole.PARTY, "18831795402", id_number(BOTOU, dt.date(1986, 11, 20), 137))


def laoli() -> Story:
    """鹿城: 老李's water and power, Nov 2023 → Aug 2024 — one matter, many actions, a callback with thanks."""
    chief = "wangxiaojian"
    return Story(
        ref="DEMO-laoli",
        station="lucheng",
        registered_by="lc_zhao",
        registration=Registration(
            kind=Kind.HELP,
            channel=Channel.WALK_IN,
            category="0604",
            priority=Priority.HIGH,
            description=(
                "老李到华丽社区警务室反映：“我家没水没电，你们管不管？”老李无工作，住在父母生前的房子里，"
                "其哥哥已将房屋卖给新房主并办理过户。新房主起诉至法院胜诉，老李既不执行也不上诉，"
                "新房主遂给房子断了水电。老李称房子是他的，“谁来收房就让他好看”，有矛盾激化风险。"
            ),
            address="华丽社区3号楼2单元501室",
            reported_at=at(2023, 11, 13, 9, 40),
            parties=[LAOLI, PartyInput("新房主孙某", PartyRole.PARTY, "13803118527")],
            note="华丽社区警务室接待来访",
        ),
        script=(
            accept(chief, at(2023, 11, 13, 10, 0)),
            assign(chief, at(2023, 11, 13, 10, 2), chief, "所长亲自负责：小事放着不管可能变成大事"),
            start(chief, at(2023, 11, 13, 15, 30), "处理完手头工作，当天赶往老李家"),
            Act(
                chief,
                VISIT,
                "上门了解情况：家中断水断电，老李情绪激动。做思想工作，稳控情绪。",
                at(2023, 11, 13, 16, 0),
            ),
            Act(
                chief,
                COORDINATION,
                "联系新房主说明老李生活现状，新房主同意先恢复供水供电，房屋问题依法解决。",
                at(2023, 11, 14, 9, 30),
            ),
            Act(chief, COORDINATION, "找到供水公司说明情况，当日恢复供水。", at(2023, 11, 14, 14, 0), "辛集市供水公司"),
            Act(
                chief,
                COORDINATION,
                "找到供电公司说明情况，恢复供电。老李家供水供电均已恢复，基本生活有保障。",
                at(2023, 11, 15, 10, 30),
                "国网辛集市供电公司",
            ),
            Act(
                chief, VISIT, "再到老李家：水电正常。讲解法院判决的法律后果，继续做思想工作。", at(2023, 11, 24, 16, 0)
            ),
            Act(chief, VISIT, "走访老李，情绪平稳，送去米面油。", at(2023, 12, 21, 15, 0)),
            Act(chief, CALL, "辗转联系到老李的弟弟和哥哥，请亲属一同做老李的工作。", at(2024, 1, 10, 19, 0)),
            Act(chief, VISIT, "春节前走访老李，与其弟弟一同谈心。", at(2024, 2, 5, 10, 0)),
            Act(
                chief,
                COORDINATION,
                "老李生活困难、无经济来源，与居委会依程序为其申请低保，协助准备材料。",
                at(2024, 3, 18, 9, 30),
                "华丽社区居委会",
            ),
            Act("lc_zhao", VISIT, "与居委会工作人员入户核查低保申请情况。", at(2024, 5, 14, 15, 0), "华丽社区居委会"),
            Act(
                chief,
                VISIT,
                "低保证办下来，与居委会工作人员一起将低保证送到老李手上。",
                at(2024, 8, 1, 10, 0),
                "华丽社区居委会",
            ),
            resolve(chief, at(2024, 8, 1, 11, 0), "helped", "供水供电已恢复，低保已办妥，矛盾没有激化"),
            call_back(
                "lc_zhao",
                at(2024, 8, 2, 9, 30),
                SATISFIED,
                "老李表示满意；老李的弟弟8月1日第一时间给王晓建打电话表示感谢。",
            ),
            archive(chief, at(2024, 8, 9, 9, 0)),
        ),
    )


# A few of 刘阿姨's papers as the matter's attachments: samples of the 21 inquiry records, the committee's
# certificate and the DNA report that closed the chain of evidence.
NEIGHBOUR_RECORD = Paper(
    "询问笔录（邻居王某）.pdf",
    "询问笔录",
    dt.date(2023, 10, 12),
    (
        "时间：2023年10月12日9时40分至10时25分",
        "地点：东王庄村委会",
        "询问人：陈立军（泊镇派出所民警）、何磊　记录人：何磊",
        "被询问人：王某，男，1951年生，东王庄村村民，住刘阿姨家东邻。",
        "问：你和刘阿姨是什么关系？",
        "答：我们是邻居，两家挨着住了四十多年。",
        "问：你了解刘阿姨在村里居住的情况吗？",
        "答：她是在村里土生土长的，九十年代跟着爱人去市里住了几年，后来又回村里，一直住在前街9号她娘家的老院。",
        "问：她在外地落过户口吗？",
        "答：没听说过。她去市里是投奔爱人，房子是租的，过几年就回来了。",
        "问：以上所说是否属实？",
        "答：属实。",
    ),
    ("被询问人：王某（捺印）", "2023年10月12日"),
)
CADRE_RECORD = Paper(
    "询问笔录（原村干部赵某）.pdf",
    "询问笔录",
    dt.date(2023, 10, 12),
    (
        "时间：2023年10月12日14时00分至14时50分",
        "地点：东王庄村赵某家中",
        "询问人：陈立军（泊镇派出所民警）、何磊　记录人：何磊",
        "被询问人：赵某，男，1948年生，1990年至1999年任东王庄村会计。",
        "问：当年村里注销刘阿姨户籍信息是怎么回事？",
        "答：那几年她随爱人在市里，村里联系不上，以为她把户口迁走了，整理户籍信息时就给注销了，没有见到迁移证明。",
        "问：注销时是否通知过本人？",
        "答：没有，当时联系不上她。",
        "问：以上所说是否属实？",
        "答：属实。",
    ),
    ("被询问人：赵某（捺印）", "2023年10月12日"),
)
VILLAGE_CERTIFICATE = Paper(
    "东王庄村委会证明.pdf",
    "证　明",
    dt.date(2023, 10, 26),
    (
        "兹证明刘阿姨，女，系我村村民，自幼在东王庄村前街9号居住。二十世纪九十年代随爱人在市里生活数年，"
        "其间村里误以为其户口已迁出，将其户籍信息注销。经村委会核实，本人未在其他任何地方落户。",
        "情况属实，特此证明。",
    ),
    ("东王庄村民委员会（盖章）", "2023年10月26日"),
)
DNA_REPORT = Paper(
    "DNA亲子鉴定意见书.pdf",
    "亲子鉴定意见书",
    dt.date(2024, 1, 18),
    (
        "委托单位：泊镇派出所",
        "鉴定机构：泊头市公安局物证鉴定室",
        "检材：刘阿姨血样一份；刘阿姨之母（91岁）血样一份。2023年12月20日上门采集。",
        "检验方法：常染色体STR分型检验，共检测21个基因座。",
        "检验结果：在所检测的21个基因座上，刘阿姨的等位基因均可从其母亲处找到来源。",
        "鉴定意见：支持被检母亲为刘阿姨的生物学母亲。",
    ),
    ("鉴定人：（签名）", "2024年1月18日"),
)


def liu_ayi() -> Story:
    """泊镇: 刘阿姨's household registration — 20+ inquiry records, a DNA test, half a year."""
    chief = "liuqiang"
    return Story(
        ref="DEMO-liuayi",
        station="bozhen",
        registered_by="bz_he",
        registration=Registration(
            kind=Kind.HOUSEHOLD,
            channel=Channel.WALK_IN,
            category="0605",
            description=(
                "东王庄村村民刘阿姨来所反映：20世纪90年代她投奔在市里工作的爱人，在市里生活过几年。"
                "因通信不便，村干部长期联系不上她，以为她已将户口迁走，便将村里统一保存的户籍信息注销。"
                "回到老家后发现户口没了，请求恢复户口。"
            ),
            address="东王庄村前街9号",
            reported_at=at(2023, 10, 9, 9, 0),
            parties=[
                PartyInput("刘阿姨", PartyRole.REPORTER, "13582711409"),
                PartyInput("刘阿姨的母亲", PartyRole.RELATIVE),
            ],
        ),
        script=(
            accept(chief, at(2023, 10, 9, 9, 10)),
            assign(chief, at(2023, 10, 9, 9, 15), chief, "所长带领民警办理"),
            start(chief, at(2023, 10, 10, 8, 30)),
            Act(
                chief, VISIT, "带领民警向刘阿姨的四邻八舍和原村干部核实情况。", at(2023, 10, 10, 9, 30), "东王庄村委会"
            ),
            Act(
                "bz_chen",
                INQUIRY,
                "制作询问笔录8份（邻居、原村干部）。",
                at(2023, 10, 12, 15, 0),
                files=(NEIGHBOUR_RECORD, CADRE_RECORD),
            ),
            Act(
                "bz_chen",
                INQUIRY,
                "制作询问笔录7份及村委会证明材料3份。",
                at(2023, 10, 26, 10, 0),
                "东王庄村委会",
                files=(VILLAGE_CERTIFICATE,),
            ),
            Act("bz_yang", INQUIRY, "制作询问笔录6份（亲属、同村老人）。累计询问笔录21份。", at(2023, 11, 15, 14, 0)),
            Act(chief, DOCUMENT, "调查材料上报：缺乏关键证据，暂不能落户。", at(2023, 11, 28, 11, 0)),
            Act(
                chief,
                NOTE,
                "工作陷入僵局。拟采集刘阿姨和其直系亲属的DNA，证明血缘关系，为申报户口提供证据。",
                at(2023, 12, 5, 9, 0),
            ),
            Act(
                chief,
                COORDINATION,
                "联系DNA鉴定机构，安排上门为刘阿姨和她91岁的母亲采集血样，做亲子鉴定。",
                at(2023, 12, 12, 10, 0),
                "泊头市公安局物证鉴定室",
            ),
            Act(chief, VISIT, "陪同鉴定人员上门采集刘阿姨及其母亲的血样。", at(2023, 12, 20, 9, 30)),
            Act(
                chief,
                DOCUMENT,
                "鉴定结果确认亲子关系，补上证据链条缺失的最后一环，重新上报户籍申请。",
                at(2024, 1, 18, 16, 0),
                files=(DNA_REPORT,),
            ),
            Act(chief, DOCUMENT, "恢复户口审批通过。", at(2024, 4, 10, 15, 0)),
            Act(chief, VISIT, "将户口簿送到刘阿姨手中。", at(2024, 4, 16, 10, 0)),
            resolve(chief, at(2024, 4, 16, 11, 0), "helped", "经过半年多的奔波，刘阿姨拿到户口簿"),
            call_back(
                "bz_chen",
                at(2024, 4, 22, 10, 0),
                SATISFIED,
                "“现在好了，我又重新有了户口，日子有了奔头，多亏了咱派出所的民警。”",
            ),
            archive(chief, at(2024, 4, 26, 9, 0)),
        ),
    )


def liu_zhang(now: dt.datetime) -> list[Story]:
    """泊镇: four calls in a month between 刘某 (downstairs) and 张某 (upstairs) over the renovation."""
    calls = [
        (LIU_ZHANG_LAST_CALL + 26, "张某装修敲墙，刘某认为楼上装修改变了房屋结构，对承重有安全风险，双方在楼道争吵。"),
        (LIU_ZHANG_LAST_CALL + 17, "刘某再次报警：楼上张某继续拆改墙体，双方互相滋扰，言语激烈。"),
        (LIU_ZHANG_LAST_CALL + 8, "张某报警称刘某上楼堵门阻止施工，双方推搡，险些发生肢体冲突。"),
        (LIU_ZHANG_LAST_CALL, "刘某又一次报警：双方因装修承重问题剑拔弩张，矛盾不断升级。"),
    ]
    return [_liu_zhang_call(index, now, days, text) for index, (days, text) in enumerate(calls, start=1)]


def _liu_zhang_call(index: int, now: dt.datetime, days_ago: int, text: str) -> Story:
    reported = days_before(now, days_ago, 19, 20)
    latest = days_ago == LIU_ZHANG_LAST_CALL
    minutes = dt.timedelta(minutes=1)
    script: list[Move | Act] = [
        accept("bz_he", reported + 2 * minutes),
        assign("liuqiang", reported + 4 * minutes, "liuqiang" if latest else "bz_chen"),
        start("liuqiang" if latest else "bz_chen", reported + 6 * minutes),
        Act("bz_chen", VISIT, "到场劝解，要求暂停拆改墙体施工，告知双方通过合法途径解决。", reported + 25 * minutes),
    ]
    if latest:
        script.append(
            Act(
                "liuqiang",
                NOTE,
                "重复警情分析：一个月内第4次报警，列为重点关注，准备启动“1+8+N”调解。",
                reported + dt.timedelta(days=1, hours=-10),
            )
        )
    else:
        script += [
            resolve("bz_chen", reported + 70 * minutes, "partly_resolved", "当场劝解平息，矛盾未根本化解"),
            call_back("bz_he", reported + dt.timedelta(days=1), Satisfaction.BASICALLY_SATISFIED),
            archive("liuqiang", reported + dt.timedelta(days=2)),
        ]
    return Story(
        ref=f"DEMO-liuzhang-{index}",
        station="bozhen",
        registered_by="bz_he",
        registration=Registration(
            kind=Kind.DISPUTE,
            channel=Channel.CALL_110,
            category="020501",
            description=f"东港豪庭小区12号楼上下楼邻居纠纷：{text}",
            address="东港豪庭小区12号楼1单元302室",
            reported_at=reported,
            # The third call came from upstairs: 张某 reported 刘某.
            parties=[LIU_MOU, ZHANG_MOU]
            if index != 3
            else [_as(ZHANG_MOU, PartyRole.REPORTER), _as(LIU_MOU, PartyRole.PARTY)],
        ),
        script=tuple(script),
    )


def _as(person: PartyInput, role: str) -> PartyInput:
    return replace(person, role=role)


def ms_li() -> Story:
    """鹿城: 李女士 and the fake police — phone dissuasion fails, the door visit succeeds, no loss."""
    officer = "lc_zhao"
    return Story(
        ref="DEMO-linvshi",
        station="lucheng",
        registered_by=officer,
        registration=Registration(
            kind=Kind.FRAUD_WARNING,
            channel=Channel.ANTI_FRAUD,
            category="0801",
            priority=Priority.URGENT,
            description="局反诈中心预警指令：辖区群众李女士疑似正遭遇冒充公检法电信诈骗，可能即将转账。",
            address="华丽社区7号楼1单元302室",
            reported_at=at(2024, 1, 16, 14, 20),
            parties=[PartyInput("李女士", PartyRole.VICTIM, "13731126690")],
        ),
        script=(
            accept(officer, at(2024, 1, 16, 14, 21)),
            assign(officer, at(2024, 1, 16, 14, 22), officer),
            start(officer, at(2024, 1, 16, 14, 23)),
            Act(
                officer,
                CALL,
                "电话劝阻：李女士称“不用你们管，电话里人家就是真警察，再不转账我之前的投资就打水漂了”，随即挂断电话。",
                at(2024, 1, 16, 14, 25),
            ),
            Act(
                officer,
                COORDINATION,
                "通报银行，对李女士账户转账进行风险提示。",
                at(2024, 1, 16, 14, 30),
                "中国农业银行辛集支行",
            ),
            Act(
                officer,
                VISIT,
                "会同居委会工作人员和联防队员上门劝阻，讲解冒充公检法诈骗手法，李女士恍然大悟，未转账，无损失。",
                at(2024, 1, 16, 15, 10),
                "华丽社区居委会",
            ),
            resolve(officer, at(2024, 1, 16, 15, 40), "resolved", "劝阻成功，避免损失"),
            call_back("lc_sun", at(2024, 1, 17, 10, 0), SATISFIED, "李女士表示感谢，已下载国家反诈中心App。"),
            archive("wangxiaojian", at(2024, 1, 19, 9, 0)),
        ),
    )


def ebike_campaign() -> Story:
    """鹿城: e-bikes out of the lifts of 采五东区 — all 29 buildings equipped by March 2024."""
    officer = "lc_qian"
    return Story(
        ref="DEMO-caiwu-ebike",
        station="lucheng",
        registered_by=officer,
        registration=Registration(
            kind=Kind.HAZARD,
            channel=Channel.PATROL,
            category="050201",
            priority=Priority.HIGH,
            description=(
                "采五东区29栋高层住宅，居民推电动自行车进电梯上楼、入户充电，存在火灾隐患。"
                "物业、楼组长宣传告诫收效不大。"
            ),
            address="采五东区",
            reported_at=at(2024, 1, 8, 10, 0),
        ),
        script=(
            accept("wangxiaojian", at(2024, 1, 8, 10, 30)),
            assign("wangxiaojian", at(2024, 1, 8, 10, 35), officer, "联合分局消防大队治理"),
            start(officer, at(2024, 1, 9, 9, 0)),
            Act(
                officer,
                COORDINATION,
                "与分局消防大队研判：建议小区增设充电桩、电梯内安装电动自行车阻止系统。",
                at(2024, 1, 10, 15, 0),
                "辛北分局消防大队",
            ),
            Act(
                officer,
                COORDINATION,
                "找物业公司负责人沟通，对方称“整个小区，29个楼宇，全装一遍？那得花多少钱？”，打起退堂鼓。",
                at(2024, 1, 12, 10, 0),
                "采五东区物业",
            ),
            Act(
                officer,
                COORDINATION,
                "再次找物业沟通，算经济账、法律账，讲明利害：“你们只管装，我们帮忙做宣传解释工作”。物业同意安装。",
                at(2024, 1, 19, 10, 0),
                "采五东区物业",
            ),
            Act(
                officer,
                VISIT,
                "安装前挨个楼栋入门入户、张贴宣传通知、大屏幕播放，动员宣传（1—15号楼）。",
                at(2024, 1, 29, 9, 0),
            ),
            Act("lc_sun", VISIT, "入户宣传、张贴通知（16—29号楼），争取居民理解支持。", at(2024, 2, 26, 9, 0)),
            Act(
                officer,
                COORDINATION,
                "29个电动自行车电梯阻止系统全部安装完毕，加装部分充电桩；会同消防大队查看。",
                at(2024, 3, 22, 10, 0),
                "辛北分局消防大队",
            ),
            resolve(officer, at(2024, 3, 25, 9, 0), "resolved", "华北油田首家安装阻止器的社区"),
            call_back(
                "lc_sun",
                at(2024, 3, 29, 10, 0),
                SATISFIED,
                "退休教师郝大爷：“每一个小家安全了，咱们这个大社区就安全了。”",
            ),
            archive("wangxiaojian", at(2024, 4, 2, 9, 0)),
        ),
    )


def lift_alarm(index: int, building: int, when: dt.datetime) -> Story:
    """鹿城: one alarm of an e-bike blocker in a lift of 采五东区, after the campaign."""
    officer = "lc_qian"
    return Story(
        ref=f"DEMO-caiwu-alarm-{index}",
        station="lucheng",
        registered_by=officer,
        registration=Registration(
            kind=Kind.HAZARD,
            channel=Channel.DEVICE_ALARM,
            category="0902",
            description=(
                f"采五东区{building}号楼电梯阻止系统报警：居民推电动自行车进入轿厢，"
                "“电动自行车禁止入内，谢谢配合……”，电梯停止运行。"
            ),
            address=f"采五东区{building}号楼",
            reported_at=when,
        ),
        script=(
            accept(officer, when + dt.timedelta(minutes=2)),
            assign(officer, when + dt.timedelta(minutes=3), officer),
            start(officer, when + dt.timedelta(minutes=4)),
            Act(
                officer,
                VISIT,
                "到场劝导居民将电动自行车推出电梯、到充电桩充电，讲解入户充电的危害。",
                when + dt.timedelta(minutes=25),
            ),
            resolve(officer, when + dt.timedelta(minutes=40), "resolved"),
            call_back("lc_sun", when + dt.timedelta(days=1), SATISFIED),
            archive("wangxiaojian", when + dt.timedelta(days=3)),
        ),
    )


def wrong_way_rider() -> Story:
    """冀州大队: an old man on an electric tricycle going the wrong way on 邢衡高速 near km 130."""
    officer = "jz_li"
    day = (2024, 5, 16)
    return Story(
        ref="DEMO-jizhou-nixing",
        station="jizhou",
        registered_by="jz_fu",
        registration=Registration(
            kind=Kind.TRAFFIC,
            channel=Channel.VIDEO_PATROL,
            category="040201",
            priority=Priority.URGENT,
            description="视频巡查发现：邢衡高速邢台方向130公里附近，一位老人骑电动三轮车在超车道内快速逆行。",
            address="邢衡高速邢台方向130公里",
            reported_at=at(*day, 10, 12),
            parties=[PartyInput("老大爷", PartyRole.PARTY), PartyInput("老大爷的儿子", PartyRole.RELATIVE)],
        ),
        script=(
            accept("jz_zhang", at(*day, 10, 12)),
            assign("jz_zhang", at(*day, 10, 13), officer, "指挥中心通知两路巡逻民警前往拦截"),
            start(officer, at(*day, 10, 13)),
            Act(
                officer,
                VISIT,
                "发现三轮车后打开警灯警报喊话靠边停车，老人绕过警车越开越快，民警跑出100多米才追上。老人称是辛集人，不知怎么上的高速，找不到回家的路。",
                at(*day, 10, 31),
            ),
            Act(
                officer,
                NOTE,
                "老人称晕车，坚持开自己的电动三轮车。民警开着三轮车拉着老人在应急车道行驶，两辆警车一前一后护送至冀州西收费站。",
                at(*day, 10, 40),
            ),
            Act(officer, CALL, "联系到老人的家人；为老人端来饭菜，让老人边吃边等。", at(*day, 11, 20), "冀州西收费站"),
            Act(
                officer,
                VISIT,
                "一个小时后老人的儿子赶到收费站接走老人。叮嘱家人照看好老人，不可再上高速公路骑行。",
                at(*day, 12, 25),
            ),
            resolve(officer, at(*day, 12, 30), "helped", "老人已交给家属"),
            call_back("jz_fu", at(2024, 5, 17, 10, 0), SATISFIED, "老人的儿子对民警的及时救助一再表达感谢。"),
            archive("jz_zhang", at(2024, 5, 20, 9, 0)),
        ),
    )


def lost_backpack() -> Story:
    """临港: the Beijing tourist's backpack — a deadline set by her train, met with six hours to spare."""
    officer = "lg_wu"
    return Story(
        ref="DEMO-lingang-backpack",
        station="lingang",
        registered_by="lg_feng",
        registration=Registration(
            kind=Kind.LOST_PROPERTY,
            channel=Channel.CALL_110,
            category="0602",
            priority=Priority.HIGH,
            description=(
                "110转警：北京游客王女士在熊猫欢乐王国游玩时丢失一个背包，内有身份证件。"
                "“我和孩子要坐明天下午两点的火车回北京，包丢了没有身份证件可怎么办呀？”"
            ),
            address="国际旅游港熊猫欢乐王国",
            reported_at=at(2024, 7, 6, 20, 0),
            parties=[
                PartyInput("王女士", PartyRole.REPORTER, "13601102375", id_number(BEIJING, dt.date(1987, 4, 9), 248))
            ],
            due_at=at(2024, 7, 7, 14, 0),
            due_reason="游客次日14:00火车返京",
        ),
        script=(
            accept(officer, at(2024, 7, 6, 20, 2)),
            assign(officer, at(2024, 7, 6, 20, 3), officer),
            start(officer, at(2024, 7, 6, 20, 5), "值班民警赶赴现场，与王女士取得联系"),
            Act(officer, NOTE, "调取公共视频，多方查询。", at(2024, 7, 6, 21, 0), "熊猫欢乐王国景区"),
            Act(officer, NOTE, "确定捡拾背包人员身份信息；拨打其登记的手机号码，显示为空号。", at(2024, 7, 6, 23, 30)),
            Act(officer, CALL, "几经周折，成功联系到捡拾人。", at(2024, 7, 7, 6, 0)),
            Act(officer, VISIT, "将背包送到王女士手中，距高铁发车还有6个小时。", at(2024, 7, 7, 8, 0)),
            resolve(officer, at(2024, 7, 7, 8, 10), "helped", "背包已找回"),
            call_back(
                "lg_feng", at(2024, 7, 15, 10, 0), SATISFIED, "王女士平安返京后，专门给派出所邮寄了一面锦旗以表谢意。"
            ),
            archive("lg_zhou", at(2024, 7, 18, 9, 0)),
        ),
    )


def stalled_car() -> Story:
    """临港: a car with a flat battery on 东干路, found by patrol and closed on the spot."""
    officer = "lg_zheng"
    return Story(
        ref="DEMO-lingang-car",
        station="lingang",
        registered_by=officer,
        registration=Registration(
            kind=Kind.HELP,
            channel=Channel.PATROL,
            category="0603",
            description="巡逻至东干路，发现一辆轿车打着双闪停在路边，车旁男子一边打电话一边焦急张望：车辆抛锚无法行驶。",
            address="东干路",
            reported_at=at(2024, 7, 24, 17, 40),
            parties=[PartyInput("车主", PartyRole.REPORTER)],
        ),
        script=(
            accept(officer, at(2024, 7, 24, 17, 40)),
            assign(officer, at(2024, 7, 24, 17, 41), officer),
            start(officer, at(2024, 7, 24, 17, 41)),
            Act(
                officer,
                NOTE,
                "做好安全防护后检查车辆：电瓶亏电无法启动。将警车开至故障车前，用电瓶连接线搭电点火启动。",
                at(2024, 7, 24, 17, 55),
            ),
            Act(
                officer,
                NOTE,
                "再次详细检查车况，确认无安全隐患；提醒出行前检查车况，告知行车安全注意事项。",
                at(2024, 7, 24, 18, 10),
            ),
            resolve(officer, at(2024, 7, 24, 18, 15), "helped", "当场搭电启动"),
            call_back(officer, at(2024, 7, 24, 18, 20), SATISFIED, "车主对民警的工作热情和办事效率高度赞扬。"),
            archive("lg_zhou", at(2024, 7, 25, 9, 0)),
        ),
    )


def lost_child(ref: str, reporter: str, when: dt.datetime, place: str, text: str, search: str) -> Story:
    """临港: a lost child — urgent, police and 港航义警 search together, the child is back with the parent."""
    officer = "lg_wu"
    return Story(
        ref=ref,
        station="lingang",
        registered_by="lg_feng",
        registration=Registration(
            kind=Kind.MISSING_PERSON,
            channel=Channel.WALK_IN,
            category="060101",
            priority=Priority.URGENT,
            description=text,
            address=place,
            reported_at=when,
            parties=[PartyInput(reporter, PartyRole.REPORTER), PartyInput(f"{reporter}的儿子", PartyRole.RELATIVE)],
            note="国际旅游港警务站接待",
        ),
        script=(
            accept(officer, when + dt.timedelta(minutes=1)),
            assign(officer, when + dt.timedelta(minutes=1), officer),
            start(officer, when + dt.timedelta(minutes=2), "民警瞬间开启“找娃”模式"),
            Act(officer, NOTE, search, when + dt.timedelta(minutes=5)),
            Act(
                officer,
                VISIT,
                "找到孩子，平平安安送回家长身边。提醒家长带孩子出行要让孩子时刻在视线内。",
                when + dt.timedelta(minutes=48),
            ),
            resolve(officer, when + dt.timedelta(minutes=50), "helped", "孩子已与家长团聚"),
            call_back("lg_feng", when + dt.timedelta(days=1), SATISFIED),
            archive("lg_zhou", when + dt.timedelta(days=3)),
        ),
    )


def lost_children() -> list[Story]:
    return [
        lost_child(
            "DEMO-lingang-child-0722",
            "陈女士",
            at(2024, 7, 22, 20, 0),
            "国际旅游港游艇码头",
            "游客陈女士在游艇码头游玩时与儿子走散，在周边寻找多时未果，到国际旅游港警务站求助。",
            "通报港航义警，民警与义警分头在码头周边寻找，同时调取码头监控。",
        ),
        lost_child(
            "DEMO-lingang-child-0805",
            "王女士",
            at(2024, 8, 5, 11, 0),
            "国际旅游港港口医院",
            "港航义警韩涛将王女士带到国际旅游港警务站求助：她在港口医院就医时不慎将7岁的儿子弄丢。",
            "民警与港航义警在港口医院内外分头寻找，联系医院保安调取监控。",
        ),
    ]


def all_stories(now: dt.datetime) -> list[Story]:
    alarms = [
        lift_alarm(1, 8, at(2024, 4, 12, 8, 15)),
        lift_alarm(2, 21, at(2024, 5, 20, 19, 40)),
        lift_alarm(3, 3, at(2024, 9, 3, 7, 50)),
    ]
    return [
        laoli(),
        ms_li(),
        ebike_campaign(),
        *alarms,
        liu_ayi(),
        *liu_zhang(now),
        wrong_way_rider(),
        lost_backpack(),
        stalled_car(),
        *lost_children(),
    ]
