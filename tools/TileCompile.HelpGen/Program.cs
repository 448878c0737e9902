using System.Reflection;
using System.Text;
using System.Xml.Linq;

// Generates MAML help (en-US/<assembly>-Help.xml) for the binary cmdlets from their attributes and
// XML documentation, without loading PowerShell: attributes are read through a MetadataLoadContext.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: TileCompile.HelpGen <cmdlet.dll> <references.txt> <output-dir>");
    return 2;
}
var assemblyPath = Path.GetFullPath(args[0]);
var references = File.ReadAllLines(args[1]).Where(l => l.Length > 0 && File.Exists(l)).Append(assemblyPath).Distinct().ToList();
var docPath = Path.ChangeExtension(assemblyPath, ".xml");
var docs = XDocument.Load(docPath).Descendants("member").ToDictionary(m => (string)m.Attribute("name")!, m => m);

using var context = new MetadataLoadContext(new PathAssemblyResolver(references), "System.Runtime");
var assembly = context.LoadFromAssemblyPath(assemblyPath);
XNamespace msh = "http://msh";
XNamespace maml = "http://schemas.microsoft.com/maml/2004/10";
XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
XNamespace dev = "http://schemas.microsoft.com/maml/dev/2004/10";
var root = new XElement(msh + "helpItems", new XAttribute("schema", "maml"));
var count = 0;

foreach (var type in assembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract).OrderBy(t => t.Name, StringComparer.Ordinal))
{
    var cmdlet = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.Name == "CmdletAttribute");
    if (cmdlet is null) continue;
    var verb = (string)cmdlet.ConstructorArguments[0].Value!;
    var noun = (string)cmdlet.ConstructorArguments[1].Value!;
    var name = $"{verb}-{noun}";
    var doc = docs.GetValueOrDefault("T:" + type.FullName);
    var synopsis = Para(doc, "synopsis");
    var description = Para(doc, "description");
    if (string.IsNullOrWhiteSpace(synopsis)) throw new InvalidOperationException($"{name} has no synopsis in its XML documentation");

    var parameters = new List<(string Name, Type Type, List<(string Set, bool Mandatory, int Position, bool Pipeline)> Sets, string Description, string Default)>();
    foreach (var property in type.GetProperties().OrderBy(p => p.MetadataToken))
    {
        var sets = property.GetCustomAttributesData().Where(a => a.AttributeType.Name == "ParameterAttribute").Select(a =>
        {
            string Named(string n, string fallback) => a.NamedArguments.FirstOrDefault(x => x.MemberName == n).TypedValue.Value as string ?? fallback;
            bool Flag(string n) => a.NamedArguments.FirstOrDefault(x => x.MemberName == n).TypedValue.Value is true;
            var position = a.NamedArguments.FirstOrDefault(x => x.MemberName == "Position").TypedValue.Value is int p ? p : int.MinValue;
            return (Named("ParameterSetName", "__AllParameterSets"), Flag("Mandatory"), position, Flag("ValueFromPipelineByPropertyName") || Flag("ValueFromPipeline"));
        }).ToList();
        if (sets.Count == 0) continue;
        var pdoc = docs.GetValueOrDefault($"P:{type.FullName}.{property.Name}");
        var pdesc = Para(pdoc, "description");
        if (string.IsNullOrWhiteSpace(pdesc)) throw new InvalidOperationException($"{name} -{property.Name} has no description in its XML documentation");
        parameters.Add((property.Name, property.PropertyType, sets, pdesc, Para(pdoc, "default")));
    }
    // -WhatIf and -Confirm come from the cmdlet attribute, not from properties; the syntax lists them like PowerShell does.
    var shouldProcess = cmdlet.NamedArguments.Any(a => a.MemberName == "SupportsShouldProcess" && a.TypedValue.Value is true);
    var switchType = parameters.Select(p => p.Type).FirstOrDefault(t => t.Name == "SwitchParameter")
        ?? assembly.GetReferencedAssemblies().Select(r => { try { return context.LoadFromAssemblyName(r); } catch (FileNotFoundException) { return null; } })
            .Select(a => a?.GetType("System.Management.Automation.SwitchParameter")).FirstOrDefault(t => t is not null);
    if (shouldProcess && switchType is not null)
    {
        var all = new List<(string, bool, int, bool)> { ("__AllParameterSets", false, int.MinValue, false) };
        parameters.Add(("WhatIf", switchType, all, "Shows what the cmdlet would do, without doing it.", ""));
        parameters.Add(("Confirm", switchType, all, "Asks for confirmation before the cmdlet changes anything.", ""));
    }

    var setNames = parameters.SelectMany(p => p.Sets.Select(s => s.Set)).Where(s => s != "__AllParameterSets").Distinct().ToList();
    if (setNames.Count == 0) setNames.Add("__AllParameterSets");
    var syntax = new XElement(command + "syntax");
    foreach (var set in setNames)
    {
        var item = new XElement(command + "syntaxItem", new XElement(maml + "name", name));
        foreach (var p in parameters)
        {
            var s = p.Sets.FirstOrDefault(x => x.Set == set || x.Set == "__AllParameterSets");
            if (s.Set is null) continue;
            item.Add(Parameter(p.Name, p.Type, s.Mandatory, s.Position, s.Pipeline, p.Description, p.Default));
        }
        syntax.Add(item);
    }
    var parameterList = new XElement(command + "parameters",
        parameters.Select(p => Parameter(p.Name, p.Type, p.Sets.Any(s => s.Mandatory), p.Sets.Max(s => s.Position), p.Sets.Any(s => s.Pipeline), p.Description, p.Default)));

    var examples = new XElement(command + "examples");
    var exampleNumber = 0;
    foreach (var example in doc?.Elements("example") ?? Enumerable.Empty<XElement>())
    {
        exampleNumber++;
        examples.Add(new XElement(command + "example",
            new XElement(maml + "title", $"-------------------------- Example {exampleNumber} --------------------------"),
            new XElement(dev + "code", Clean(example.Element("code")?.Value)),
            new XElement(dev + "remarks", new XElement(maml + "para", Clean(string.Concat(example.Elements("para").Select(e => e.Value)))))));
    }
    if (exampleNumber == 0) throw new InvalidOperationException($"{name} has no example in its XML documentation");

    var outputs = type.GetCustomAttributesData().Where(a => a.AttributeType.Name == "OutputTypeAttribute")
        .SelectMany(a => a.ConstructorArguments.SelectMany(c => c.Value is IEnumerable<CustomAttributeTypedArgument> list ? list : new[] { c }))
        .Select(c => c.Value is Type t ? t.FullName : c.Value?.ToString()).OfType<string>().ToList();

    root.Add(new XElement(command + "command",
        new XAttribute(XNamespace.Xmlns + "maml", maml), new XAttribute(XNamespace.Xmlns + "command", command), new XAttribute(XNamespace.Xmlns + "dev", dev),
        new XElement(command + "details",
            new XElement(command + "name", name),
            new XElement(maml + "description", new XElement(maml + "para", synopsis)),
            new XElement(command + "verb", verb),
            new XElement(command + "noun", noun)),
        new XElement(maml + "description", new XElement(maml + "para", description)),
        syntax,
        parameterList,
        new XElement(command + "returnValues", outputs.Select(o => new XElement(command + "returnValue", new XElement(dev + "type", new XElement(maml + "name", o))))),
        examples,
        new XElement(command + "relatedLinks", new XElement(maml + "navigationLink", new XElement(maml + "linkText", "about_TileCompile")))));
    count++;

    XElement Parameter(string pname, Type ptype, bool mandatory, int position, bool pipeline, string pdesc, string pdefault)
    {
        var typeName = ptype.IsGenericType && ptype.GetGenericTypeDefinition().Name.StartsWith("Nullable", StringComparison.Ordinal)
            ? ptype.GetGenericArguments()[0].Name : ptype.Name;
        var isSwitch = typeName == "SwitchParameter";
        return new XElement(command + "parameter",
            new XAttribute("required", mandatory ? "true" : "false"),
            new XAttribute("position", position >= 0 ? position.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named"),
            new XAttribute("pipelineInput", pipeline ? "True (ByPropertyName)" : "False"),
            new XAttribute("globbing", "false"),
            new XElement(maml + "name", pname),
            new XElement(maml + "description", new XElement(maml + "para", pdesc)),
            isSwitch ? null : new XElement(command + "parameterValue", new XAttribute("required", "true"), typeName),
            new XElement(dev + "type", new XElement(maml + "name", ptype.FullName ?? typeName)),
            pdefault.Length > 0 ? new XElement(dev + "defaultValue", pdefault) : null);
    }
}

Directory.CreateDirectory(args[2]);
var output = Path.Combine(args[2], Path.GetFileName(assemblyPath) + "-Help.xml");
var text = new XDocument(new XDeclaration("1.0", "utf-8", null), root).ToString().Replace("\r\n", "\n") + "\n";
if (!File.Exists(output) || File.ReadAllText(output) != text) File.WriteAllText(output, text, new UTF8Encoding(false));
Console.WriteLine($"help for {count} cmdlets: {output}");
return 0;

static string Para(XElement? doc, string kind)
{
    var para = doc?.Descendants("para").FirstOrDefault(p => (string?)p.Attribute("type") == kind);
    return Clean(para?.Value);
}

static string Clean(string? text) =>
    string.Join(" ", (text ?? "").Split(Whitespace.Characters, StringSplitOptions.RemoveEmptyEntries));

static class Whitespace
{
    public static readonly char[] Characters = { ' ', '\n', '\r', '\t' };
}
