using TileCompile.Engine.Clustering;

namespace TileCompile.Engine.Tests.Clustering;

/// <summary>k-means on frame state vectors.</summary>
public class KMeansTests
{
    private static List<double[]> Blobs(int seed)
    {
        var random = new Random(seed);
        var centres = new[] { new[] { 0.0, 0.0 }, new[] { 10.0, 0.0 }, new[] { 0.0, 10.0 } };
        return Enumerable.Range(0, 60).Select(i => centres[i % 3].Select(c => c + random.NextDouble() - 0.5).ToArray()).ToList();
    }

    [Fact]
    public void Three_separate_groups_are_found_as_they_are()
    {
        var vectors = Blobs(1);
        var (assignment, centroids) = KMeans.Cluster(vectors, 3);
        Assert.Equal(3, centroids.Length);
        for (var group = 0; group < 3; group++)
        {
            var labels = Enumerable.Range(0, vectors.Count).Where(i => i % 3 == group).Select(i => assignment[i]).Distinct().ToList();
            Assert.Single(labels);
        }
        Assert.Equal(3, assignment.Distinct().Count());
    }

    [Fact]
    public void The_same_vectors_and_seed_give_the_same_clusters()
    {
        var vectors = Blobs(2);
        Assert.Equal(KMeans.Cluster(vectors, 4, seed: 7).Assignment, KMeans.Cluster(vectors, 4, seed: 7).Assignment);
    }

    [Fact]
    public void One_cluster_holds_every_vector_at_their_mean()
    {
        var vectors = Blobs(3);
        var (assignment, centroids) = KMeans.Cluster(vectors, 1);
        Assert.All(assignment, a => Assert.Equal(0, a));
        Assert.Equal(vectors.Average(v => v[0]), centroids[0][0], 9);
        Assert.Equal(vectors.Average(v => v[1]), centroids[0][1], 9);
    }
}
