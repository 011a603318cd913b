from ciodispatch.demo.readiness import load_readiness_demo
from ciodispatch.readiness import services
from ciodispatch.readiness.models import Assessment
from tests.conftest import lg


def test_the_demo_has_a_ready_taku_and_an_ureshino_with_one_gap(personas):
    done = load_readiness_demo(taku_user=personas.host1, ureshino_user=personas.host2)
    assert len(done) == 2

    taku = services.latest_submitted(lg("412040"))
    assert taku is not None
    assert min(services.dimension_scores(taku).values()) >= 60
    assert services.gaps(taku) == []

    ureshino = services.latest_submitted(lg("412091"))
    assert ureshino is not None
    assert [g.dimension for g in services.gaps(ureshino)] == ["budget"]
    assert ureshino.started_by == personas.host2


def test_the_demo_runs_twice_without_changing_anything(personas):
    load_readiness_demo(taku_user=personas.host1, ureshino_user=personas.host2)
    assert load_readiness_demo(taku_user=personas.host1, ureshino_user=personas.host2) == []
    assert Assessment.objects.count() == 2
