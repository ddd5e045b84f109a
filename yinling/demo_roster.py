"""The demo office's people: staff accounts and a roster of twenty retirees, with the details a real
台账 holds (address in Lanzhou, former unit and post, tags, a family contact for some).

Every name, address and number here is invented; phones use the 139-0000-xxxx block so none is a
real person's. Sensitive tags and health notes appear only with `consent` (as the roster requires).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from yinling.models import FamilyContact, RetireeFields


@dataclass(frozen=True)
class DemoStaff:
    username: str
    display_name: str
    role: str
    phone: str


@dataclass(frozen=True)
class DemoRetiree:
    name: str
    phone: str
    birth: date
    party: date | None
    liaison: str | None  # a DemoStaff username
    gender: str
    address: str
    unit: str
    post: str
    tags: tuple[str, ...] = ()
    health: str | None = None
    family: tuple[str, str, str] | None = None  # name, relation, phone
    hobbies: str | None = None

    def fields(self, liaison_ids: dict[str, int]) -> RetireeFields:
        family = None
        if self.family:
            family = FamilyContact(name=self.family[0], relation=self.family[1], phone=self.family[2])
        return RetireeFields(
            name=self.name, gender=self.gender, birth_date=self.birth, phones=(self.phone,),  # type: ignore[arg-type]
            address=self.address, former_unit=self.unit, former_post=self.post, retirement_type="退休",
            party_member=self.party is not None, party_join_date=self.party,
            liaison_id=liaison_ids[self.liaison] if self.liaison else None, tags=self.tags,
            hobbies=self.hobbies, health_notes=self.health, family=family,
            sensitive_consent=bool(self.tags or self.health),
        )


DEMO_STAFF = (
    DemoStaff("admin", "刘主任", "admin", "0931-0000001"),
    DemoStaff("wangfang", "王芳", "liaison", "13900001001"),
    DemoStaff("liqiang", "李强", "liaison", "13900001002"),
    DemoStaff("lileader", "李局长", "viewer", "0931-0000002"),
)

_D = date
DEMO_RETIREES = (
    DemoRetiree("张建国", "13900000001", _D(1942, 3, 12), _D(1963, 7, 1), "wangfang", "男",
                "城关区张掖路街道庆阳路118号3单元402", "市财政局", "副局长", hobbies="书法、象棋"),
    DemoRetiree("李秀英", "13900000002", _D(1945, 8, 20), _D(1968, 5, 4), "wangfang", "女",
                "城关区皋兰路街道南昌路27号院2号楼301", "市第一人民医院", "护士长", hobbies="合唱"),
    DemoRetiree("王德明", "13900000003", _D(1938, 11, 2), _D(1958, 10, 1), "wangfang", "男",
                "城关区酒泉路街道永昌路56号1单元201", "市教育局", "处长", tags=("患病",),
                health="冠心病，装有心脏支架", family=("王丽", "女儿", "13900002003")),
    DemoRetiree("赵淑芬", "13900000004", _D(1950, 1, 15), None, "wangfang", "女",
                "城关区白银路街道静宁路9号4单元502", "市纺织厂", "车间主任", hobbies="广场舞"),
    DemoRetiree("陈志强", "13900000005", _D(1947, 6, 30), _D(1970, 7, 1), "wangfang", "男",
                "城关区东岗西路街道天水南路210号2单元602", "市交通局", "工程师", hobbies="门球"),
    DemoRetiree("刘桂兰", "13900000006", _D(1944, 9, 9), _D(1965, 3, 8), "wangfang", "女",
                "城关区雁南街道雁滩路1588号6号楼1102", "市第二中学", "语文教师", tags=("患病",),
                health="白内障，等待手术", family=("刘军", "儿子", "13900002006")),
    DemoRetiree("杨振华", "13900000007", _D(1940, 12, 25), _D(1960, 6, 1), "wangfang", "男",
                "城关区临夏路街道武都路33号1单元101", "市规划局", "总工程师", tags=("空巢",),
                health="高血压，常年服药", family=("杨帆", "儿子（在上海）", "13900002007")),
    DemoRetiree("黄玉梅", "13900000008", _D(1952, 4, 18), None, "wangfang", "女",
                "城关区渭源路街道秦安路45号3单元301", "市百货公司", "会计"),
    DemoRetiree("周国庆", "13900000009", _D(1949, 10, 1), _D(1972, 10, 1), "wangfang", "男",
                "城关区张掖路街道中山路77号2单元402", "市园林局", "科长", hobbies="摄影"),
    DemoRetiree("吴秀兰", "13900000010", _D(1946, 2, 14), _D(1969, 12, 26), "wangfang", "女",
                "城关区广武门街道民主东路301号5单元202", "市总工会", "干事", hobbies="剪纸"),
    DemoRetiree("徐长林", "13900000011", _D(1941, 7, 7), _D(1961, 7, 1), None, "男",
                "七里河区西园街道西津西路88号2单元302", "兰州铁路局", "段长"),
    DemoRetiree("孙丽华", "13900000012", _D(1953, 5, 5), None, "liqiang", "女",
                "七里河区敦煌路街道建兰路160号1单元601", "市商业局", "科员"),
    DemoRetiree("马守仁", "13900000013", _D(1939, 8, 1), _D(1959, 8, 1), "liqiang", "男",
                "七里河区小西湖街道小西湖东街12号3单元202", "市民族宗教委", "副主任", tags=("独居", "丧偶"),
                family=("马晓燕", "女儿（在西安）", "13900002013")),
    DemoRetiree("朱春梅", "13900000014", _D(1948, 3, 21), _D(1975, 5, 4), "liqiang", "女",
                "七里河区西站街道兰工坪路210号4单元401", "市第五中学", "数学教师", hobbies="辅导孩子功课"),
    DemoRetiree("胡建华", "13900000015", _D(1951, 11, 11), None, "liqiang", "男",
                "七里河区建兰路街道吴家园西街5号2单元502", "市自来水公司", "技术员"),
    DemoRetiree("郭玉珍", "13900000016", _D(1943, 4, 4), _D(1966, 2, 1), "liqiang", "女",
                "七里河区秀川街道秀川新区23号楼2单元301", "市妇联", "部长", tags=("独居",),
                family=("郭强", "侄子", "13900002016")),
    DemoRetiree("林海涛", "13900000017", _D(1950, 9, 28), _D(1978, 12, 18), "liqiang", "男",
                "安宁区培黎街道安宁西路500号7号楼602", "兰州石化", "高级工程师"),
    DemoRetiree("何淑珍", "13900000018", _D(1945, 12, 12), None, None, "女",
                "安宁区十里店街道北滨河西路66号1单元102", "市图书馆", "馆员"),
    DemoRetiree("高文彬", "13900000019", _D(1937, 1, 1), _D(1956, 1, 1), None, "男",
                "城关区拱星墩街道东岗东路1号干休所3号楼201", "市人大常委会", "办公室主任", tags=("失能",),
                health="行动不便，需要轮椅", family=("高红", "女儿", "13900002019")),
    DemoRetiree("欧阳明", "13900000020", _D(1949, 6, 6), _D(1971, 7, 1), None, "男",
                "西固区西固城街道合水路19号3单元401", "兰州石化", "车间主任"),
)

# People in the demo's web chat who are NOT verified yet, to try onboarding (first name shown, phone,
# Telegram user id): the first five are on the roster, the last is not (a pending registration).
DEMO_CHAT_PEOPLE = (
    ("张建国", "13900000001", 100000001),
    ("李秀英", "13900000002", 100000002),
    ("王德明", "13900000003", 100000003),
    ("徐长林", "13900000011", 100000004),
    ("欧阳明", "13900000020", 100000005),
    ("新来的老同志", "13900009999", 100000006),
)

# Retirees who have used the chat for weeks: verified when the demo office is made (through the chat,
# as they would), so their requests, ideas, sign-ups and 已阅 are there; always in the sandbox too.
DEMO_CHAT_USERS = (
    ("赵淑芬", 100000011), ("陈志强", 100000012), ("刘桂兰", 100000013), ("杨振华", 100000014),
    ("黄玉梅", 100000015), ("周国庆", 100000016), ("吴秀兰", 100000017), ("孙丽华", 100000018),
    ("马守仁", 100000019), ("朱春梅", 100000020), ("胡建华", 100000021), ("郭玉珍", 100000022),
    ("高文彬", 100000023),
)
PHONES = {r.name: r.phone for r in DEMO_RETIREES}
