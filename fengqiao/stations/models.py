"""The station and its territory: posts, communities, the two grids, standard addresses, partners."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Branch(models.Model):
    """A county public-security branch (分局), the level above stations."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    """派出所: the unit that owns all data. Every scoped lookup starts here."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=64)
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="stations", verbose_name=_("branch")
    )
    area = models.CharField(_("area"), max_length=128, blank=True, help_text=_("Cities/counties covered"))

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PolicePost(models.Model):
    """警务室 / 警务站: a community office where residents walk in."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="posts", verbose_name=_("station"))
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("police post")
        verbose_name_plural = _("police posts")
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="post_unique_name")]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community")
        VILLAGE = "village", _("Village")

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="communities", verbose_name=_("station")
    )
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMMUNITY)
    township = models.CharField(_("township / street"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("community or village")
        verbose_name_plural = _("communities and villages")
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="community_unique_name")]

    def __str__(self) -> str:
        return self.name


class PoliceGrid(models.Model):
    """警格: the area one community officer answers for."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="police_grids", verbose_name=_("station")
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    post = models.ForeignKey(
        PolicePost, null=True, blank=True, on_delete=models.SET_NULL, related_name="grids", verbose_name=_("post")
    )
    officer = models.ForeignKey(
        "staff.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="police_grids",
        verbose_name=_("community officer"),
    )

    class Meta:
        verbose_name = _("police grid")
        verbose_name_plural = _("police grids")
        constraints = [models.UniqueConstraint(fields=["station", "code"], name="police_grid_unique_code")]

    def __str__(self) -> str:
        return self.name


class CommunityGrid(models.Model):
    """网格: the smaller area one grid worker answers for; it lies inside one police grid."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="grids", verbose_name=_("station"))
    police_grid = models.ForeignKey(
        PoliceGrid, on_delete=models.PROTECT, related_name="community_grids", verbose_name=_("police grid")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    grid_worker = models.ForeignKey(
        "staff.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_grids",
        verbose_name=_("grid worker"),
    )

    class Meta:
        verbose_name = _("community grid")
        verbose_name_plural = _("community grids")
        constraints = [models.UniqueConstraint(fields=["station", "code"], name="grid_unique_code")]

    def __str__(self) -> str:
        return self.name


class GridPopulation(models.Model):
    """Registered residents (管理人口) of a grid in a year: the denominator of every per-10,000 rate."""

    grid = models.ForeignKey(
        CommunityGrid, on_delete=models.CASCADE, related_name="populations", verbose_name=_("grid")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    residents = models.PositiveIntegerField(_("residents"))

    class Meta:
        verbose_name = _("grid population")
        verbose_name_plural = _("grid populations")
        constraints = [models.UniqueConstraint(fields=["grid", "year"], name="population_unique_year")]

    def __str__(self) -> str:
        return f"{self.grid} {self.year}: {self.residents}"


class StandardAddress(models.Model):
    """标准地址: community → building → unit → room, with a free-text remainder and optional coordinates."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("station"))
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addresses",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        CommunityGrid,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="addresses",
        verbose_name=_("grid"),
    )
    estate = models.CharField(_("estate / road"), max_length=64, blank=True)
    building = models.CharField(_("building"), max_length=16, blank=True)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    room = models.CharField(_("room"), max_length=16, blank=True)
    remainder = models.CharField(_("remainder"), max_length=128, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    full_text = models.CharField(_("address"), max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("standard address")
        verbose_name_plural = _("standard addresses")
        constraints = [models.UniqueConstraint(fields=["station", "full_text"], name="address_unique_text")]

    def __str__(self) -> str:
        return self.full_text

    def save(self, *args: object, **kwargs: object) -> None:
        self.full_text = self.compose()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def compose(self) -> str:
        parts = [
            self.community.name if self.community else "",
            self.estate,
            f"{self.building}号楼" if self.building else "",
            f"{self.unit}单元" if self.unit else "",
            f"{self.room}室" if self.room else "",
            self.remainder,
        ]
        return "".join(parts)


class Partner(models.Model):
    """联动单位: an outside body the station works with."""

    class Kind(models.TextChoices):
        PROPERTY = "property", _("Property company")
        RESIDENTS_COMMITTEE = "residents_committee", _("Residents' or village committee")
        HOSPITAL = "hospital", _("Hospital")
        ENTERPRISE = "enterprise", _("Enterprise")
        BANK = "bank", _("Bank")
        TELECOM = "telecom", _("Telecom operator")
        COURT = "court", _("Court")
        LAW_FIRM = "law_firm", _("Law firm")
        JUDICIAL_OFFICE = "judicial_office", _("Judicial office")
        ENFORCEMENT = "enforcement", _("Law-enforcement team")
        UTILITY = "utility", _("Water or power company")
        GOVERNMENT = "government", _("Township or village government")
        FIRE_BRIGADE = "fire_brigade", _("Fire brigade")
        OTHER = "other", _("Other")

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="partners", verbose_name=_("station"))
    name = models.CharField(_("name"), max_length=96)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    contact = models.CharField(_("contact person"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Which of the "8" partner forces of 1+8+N mediation it belongs to (code table `mediation_forces`), if any.
    force = models.ForeignKey(
        "codes.Code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"table": "mediation_forces"},
        related_name="+",
        verbose_name=_("mediation force"),
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="partner_unique_name")]

    def __str__(self) -> str:
        return self.name
